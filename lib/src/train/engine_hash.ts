// The engine part of the grid cache's key: SHA-256 of the compiled modules a training run
// executes and nothing else, so editing a chart, the grader or an analysis keeps every
// finished Lab 2A run, while editing a layer, a loss, the trainer or a kernel does not.
// The modules are found by following the compiled require() calls from the grid search
// (a new import is followed without a list to keep up to date), plus the kernels and parallel
// folders whole (their worker scripts are started by file name, not required).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Where a training run starts, relative to the compiled engine's root. */
export const TRAINING_ENTRIES: readonly string[] = ["train/grid_search.js"];
/** Folders always hashed whole: the hot code, whose worker scripts no require() names. */
export const ALWAYS_HASHED: readonly string[] = ["kernels/", "parallel/"];
/** What the training path imports only to show progress: it cannot change a result. */
export const DISPLAY_ONLY: readonly string[] = ["plot/", "train/progress.js"];

const RELATIVE_REQUIRE = /\brequire\("(\.{1,2}\/[^"]*)"\)/g;

/** Every .js file under `dir`, relative to `root`, with "/" separators. */
function jsFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? jsFiles(root, rel) : e.name.endsWith(".js") ? [rel] : [];
  });
}

/**
 * The compiled modules under `root` that a training run executes: those reachable from
 * `entries` by relative require(), and everything under ALWAYS_HASHED, less DISPLAY_ONLY
 * (not followed either). Sorted paths relative to `root`.
 */
export function trainingModules(root: string, entries: readonly string[] = TRAINING_ENTRIES): string[] {
  const excluded = (rel: string): boolean => DISPLAY_ONLY.some((d) => (d.endsWith("/") ? rel.startsWith(d) : rel === d));
  const seen = new Set<string>();
  const queue = [...entries, ...ALWAYS_HASHED.flatMap((d) => jsFiles(root, d))];
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (seen.has(rel) || excluded(rel)) continue;
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) throw new Error(`engine hash: ${file} is missing; rebuild the engine (npx tsc -p lib)`);
    seen.add(rel);
    for (const m of fs.readFileSync(file, "utf8").matchAll(RELATIVE_REQUIRE)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      queue.push(fs.existsSync(path.join(root, `${target}.js`)) ? `${target}.js` : path.posix.join(target, "index.js"));
    }
  }
  return [...seen].sort();
}

/** SHA-256 of the names and bytes of trainingModules(root). */
export function trainingCodeHash(root: string): string {
  const hash = createHash("sha256");
  for (const rel of trainingModules(root)) hash.update(`${rel}\0`).update(fs.readFileSync(path.join(root, rel)));
  return hash.digest("hex");
}
