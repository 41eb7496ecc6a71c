// The labs' parameters, in one place: the names a lab declares (with `let`, in its cell tagged
// "parameters", papermill's convention), the values each may take, and the cell the runner
// injects after the declarations. scripts/run_notebooks.py asks it, through
// scripts/lab_parameters.mjs, before any cell runs; papermill's TypeScript translator
// (scripts/papermill_typescript) writes the same cell, and a test compares the two.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ConfigError, DATASET_NAMES, DataError, exercises, io, projectRoot } from "nnfs";

export interface LabParameter {
  /** What the value must be, for the usage text and for errors. */
  help: string;
  /** The value as the notebook gets it, or an error saying what is wrong with it. */
  check(value: string): string | boolean;
}

export const LAB_PARAMETERS: Readonly<Record<string, LabParameter>> = {
  dataset: {
    help: `the image dataset: ${DATASET_NAMES.map((d) => JSON.stringify(d)).join(" or ")}`,
    check: (value) => {
      if (!(DATASET_NAMES as readonly string[]).includes(value)) {
        throw new ConfigError(`dataset must be one of ${DATASET_NAMES.map((d) => JSON.stringify(d)).join(", ")} (got ${JSON.stringify(value)})`);
      }
      return value;
    },
  },
  checkpoint: {
    help: "an autoencoder checkpoint written by Lab 2A (a path from the project root), for Labs 2B–2E",
    check: (value) => {
      const file = path.resolve(projectRoot(), value);
      if (!fs.existsSync(file))
        throw new DataError(`checkpoint ${JSON.stringify(value)}: no such file (${file}); run Lab 2A first or give an existing .safetensors file`);
      const format = io.readCheckpointMetadata(file).format;
      if (format !== io.CHECKPOINT_FORMAT) throw new DataError(`checkpoint ${file}: format ${JSON.stringify(format)}, not an nnfs autoencoder checkpoint`);
      return file;
    },
  },
  fresh: {
    help: "true to train every Lab 2A run again instead of reusing runs that finished before an interruption (default false)",
    check: (value) => {
      if (value !== "true" && value !== "false") throw new ConfigError(`fresh: expected true or false (got ${JSON.stringify(value)})`);
      return value === "true";
    },
  },
};

/** Checks every given parameter; returns the values to inject, or throws naming what is wrong. */
export function checkLabParameters(given: Readonly<Record<string, string>>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(given)) {
    const parameter = LAB_PARAMETERS[name];
    if (parameter === undefined) {
      throw new ConfigError(`-p ${name}: no lab has a parameter of that name; known: ${Object.keys(LAB_PARAMETERS).join(", ")}`);
    }
    out[name] = parameter.check(value);
  }
  return out;
}

/** One declaration of a parameters cell: `let dataset: DatasetName = "fashion";`. */
export interface Declaration {
  name: string;
  keyword: "let" | "const" | "var";
  /** The initial value's source text ("" when there is none). */
  initializer: string;
}

/** Index of the cell tagged "parameters", or -1. */
export function parametersCellIndex(nb: exercises.Notebook): number {
  return nb.cells.findIndex((cell) => Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes("parameters"));
}

/** The top-level declarations of a parameters cell, as the TypeScript compiler parses them. */
export function declarations(source: string): Declaration[] {
  const file = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.Latest, true);
  const out: Declaration[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const flags = statement.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name)) out.push({ name: d.name.text, keyword, initializer: d.initializer?.getText(file) ?? "" });
    }
  }
  return out;
}

/** A notebook's declared parameters (none without a parameters cell). */
export function declaredParameters(nb: exercises.Notebook): Declaration[] {
  const at = parametersCellIndex(nb);
  return at < 0 ? [] : declarations(exercises.cellSource(nb.cells[at]));
}

/**
 * The source of the injected-parameters cell: a comment line, then `name = value;` for each
 * value in the order given, each value as JSON (an assignment, so its type is checked against
 * the declaration's).
 */
export function injectedSource(values: Readonly<Record<string, unknown>>): string {
  return ["// Parameters", ...Object.entries(values).map(([name, value]) => `${name} = ${JSON.stringify(value)};`)].join("\n") + "\n";
}

/** What the runner adds to one notebook. */
export interface Injection {
  file: string;
  /** Names the notebook declares, in order. */
  declared: string[];
  /** Index of the parameters cell (-1: none); the injected cell goes right after it. */
  at: number;
  /** The names set (those of the given values the notebook declares), in the order given. */
  names: string[];
  /** The injected cell's source, or null when no name is set. */
  source: string | null;
}

/** The injected cell of each notebook for these values, unchecked (a value is written as given). */
export function injections(files: readonly string[], values: Readonly<Record<string, unknown>>): Injection[] {
  return files.map((file) => {
    const nb = exercises.readNotebook(file);
    const declared = declaredParameters(nb).map((d) => d.name);
    const names = Object.keys(values).filter((name) => declared.includes(name));
    const source = names.length === 0 ? null : injectedSource(Object.fromEntries(names.map((n) => [n, values[n]])));
    return { file, declared, at: parametersCellIndex(nb), names, source };
  });
}

/** What a run of the labs gets: the checked values, the dataset it runs on, each notebook's injection. */
export interface ParameterPlan {
  values: Record<string, string | boolean>;
  /** The -p value, else the default of the first notebook that declares one, else "none". */
  dataset: string;
  notebooks: Injection[];
}

/**
 * Checks `-p` values against what the notebooks declare and what each parameter allows, before
 * any cell runs; throws an error whose message starts with `-p NAME` and says what is wrong.
 */
export function planParameters(files: readonly string[], given: Readonly<Record<string, string>>): ParameterPlan {
  const declared = files.map((file) => ({ file, declarations: declaredParameters(exercises.readNotebook(file)) }));
  const known = [...new Set(declared.flatMap((d) => d.declarations.map((x) => x.name)))].sort();
  const unknown = Object.keys(given)
    .filter((name) => !known.includes(name))
    .sort();
  if (unknown.length > 0) {
    throw new ConfigError(`-p ${unknown[0]}: none of these notebooks has such a parameter; they have: ${known.join(", ") || "none"}`);
  }
  for (const { file, declarations: ds } of declared) {
    const fixed = ds
      .filter((d) => d.keyword === "const" && d.name in given)
      .map((d) => d.name)
      .sort();
    if (fixed.length > 0) {
      throw new ConfigError(
        `-p ${fixed[0]}: ${path.basename(file)} declares it with const; a parameter is declared with let, so that a new value can be assigned`,
      );
    }
  }
  let values: Record<string, string | boolean>;
  try {
    values = checkLabParameters(given);
  } catch (err) {
    const e = err as Error;
    if (!e.message.startsWith("-p ")) e.message = `-p ${e.message}`;
    throw e;
  }
  let dataset = typeof values.dataset === "string" ? values.dataset : "none";
  if (values.dataset === undefined) {
    const first = declared.flatMap((d) => d.declarations).find((d) => d.name === "dataset");
    if (first !== undefined) dataset = first.initializer.replace(/^"(.*)"$/, "$1");
  }
  return { values, dataset, notebooks: injections(files, values) };
}
