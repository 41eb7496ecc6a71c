// Where artifacts go. Notebooks run with their own folder as the working directory,
// scripts from the project root; both must write to the same graphs_exp/ and outputs/.
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "./errors";

/**
 * The project root: $NNFS_ROOT if set, else the nearest folder at or above `from`
 * holding both package.json and notebooks/, else `from` itself.
 */
export function projectRoot(from: string = process.cwd()): string {
  if (process.env.NNFS_ROOT) return path.resolve(process.env.NNFS_ROOT);
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "notebooks"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

/** A path under the project root, e.g. projectPath("graphs_exp", "clf_curves_loss.html"). */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}

/**
 * The labs' autoencoder checkpoint `name` for `dataset`: saved_models/ae_<dataset>_<name>.safetensors
 * (Lab 2A writes `best`, `best_reg`, `best_dropout` and `k32`; the later labs read them).
 */
export function checkpointPath(dataset: string, name: string, dir: string = projectPath("saved_models")): string {
  checkNameParts("checkpointPath", { dataset, name });
  return path.join(dir, `ae_${dataset}_${name}.safetensors`);
}

/**
 * The labs' NPZ of a checkpoint's processed test set for `dataset`:
 * outputs/ae_<dataset>_test_processed.npz (Lab 2B, the best checkpoint) or, with `variant`,
 * outputs/ae_<dataset>_test_processed_<variant>.npz (Lab 2D: `base`, `reg`, `dropout`).
 */
export function processedPath(dataset: string, variant: string | null = null, dir: string = projectPath("outputs")): string {
  checkNameParts("processedPath", variant === null ? { dataset } : { dataset, variant });
  return path.join(dir, `ae_${dataset}_test_processed${variant === null ? "" : `_${variant}`}.npz`);
}

/** File name parts are letters, digits, _ or -: nothing that could leave the folder. */
function checkNameParts(caller: string, parts: Record<string, string>): void {
  for (const [what, value] of Object.entries(parts)) {
    if (typeof value !== "string" || !/^[\w-]+$/.test(value))
      throw new ConfigError(`${caller}: ${what} must be letters, digits, _ or - (got ${JSON.stringify(value)})`);
  }
}

/**
 * Writes a file so that readers never see half of it, and a crash never leaves it empty: the
 * bytes go to a temporary file in the same folder, which is flushed to disk (fsync), renamed
 * over the target (atomic on POSIX), and the folder is flushed too, so the rename survives a
 * power cut. Temporary files that a killed process left behind are removed first.
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(file);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeFileSync(fd, contents);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dir);
}

/** Flushes a folder's entries (the rename) to disk; not possible on every platform, so best effort. */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a folder: the rename is as durable as the OS makes it.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** `<file>.tmp-<pid>[-<time>]` of processes that no longer run: what writeFileAtomic (or the runner) left behind when killed. */
export function removeStaleTemporaries(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)(?:-\d+)?$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processRuns(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
