// The learner's my_layers.ts (written by E6 from E1–E5), loaded at run time for the labs'
// optional sections. Not for the exercises themselves: E6 imports the file statically.
// NOTE: a lab cannot `import … from "./exercises/my_layers"`: tslab compiles every import
// before the cell runs, so a lab would fail for everyone who has not done the exercises. The
// file is transpiled here instead, and its "nnfs" is the module the lab passes in (the lab's
// own `nn`), so its classes build on the same Matrix and Param as the lab's. The lab passes it
// because this file must not require the package index that exports it (an import circle).
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../paths";
import { ConfigError } from "../errors";
import type { MyLayers } from "./learner_api";

export interface LoadedLayers {
  /** The learner's code, or null when it cannot be used (see `reason`). */
  layers: MyLayers | null;
  file: string;
  /** Why `layers` is null: one line that says what to do. */
  reason?: string;
}

const NAMES: readonly (keyof MyLayers)[] = ["Linear", "ReLU", "Sigmoid", "softmaxCrossEntropy", "meanSquaredError", "BatchNorm1d", "SGD"];
const STUB = /throw new Error\(\s*["'`]not implemented/;

/**
 * Loads notebooks/exercises/my_layers.ts under the project root (or `file`), if it is there
 * and complete; its `import … from "nnfs"` gets `nnfs`, the lab's `nn`.
 */
export function loadMyLayers(nnfs: object, file: string = path.join(projectRoot(), "notebooks", "exercises", "my_layers.ts")): LoadedLayers {
  if (typeof nnfs !== "object" || nnfs === null || typeof (nnfs as { Matrix?: unknown }).Matrix !== "function") {
    throw new ConfigError(`loadMyLayers: nnfs must be the nnfs module the lab imported (loadMyLayers(nn)), got ${nnfs === null ? "null" : typeof nnfs}`);
  }
  const shown = path.relative(projectRoot(), file) || file;
  if (!fs.existsSync(file)) {
    return {
      layers: null,
      file,
      reason: `Optional: ${shown} is not there yet. Do the exercise track (notebooks/exercises/E1–E6) and run E6, which writes it; this section then runs with your own layers.`,
    };
  }
  const source = fs.readFileSync(file, "utf8");
  if (STUB.test(source)) {
    return {
      layers: null,
      file,
      reason: `Optional: ${shown} still has "not implemented" stubs. Finish E1–E5, save them and run E6 again; this section then runs with your own layers.`,
    };
  }
  // Loaded lazily: typescript is large, and only this section needs it.
  const ts = require("typescript") as typeof import("typescript");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 }, fileName: file }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const load = new Function("exports", "require", "module", "__filename", "__dirname", js) as (...args: unknown[]) => void;
  load(module.exports, (id: string) => (id === "nnfs" ? nnfs : require(id)), module, file, path.dirname(file));
  const missing = NAMES.filter((k) => typeof module.exports[k] !== "function");
  if (missing.length > 0) return { layers: null, file, reason: `Optional: ${shown} exports no ${missing.join(", ")}. Run E6 again to rewrite it.` };
  return { layers: module.exports as unknown as MyLayers, file };
}
