// Where artifacts go. Notebooks run with their own folder as the working directory,
// scripts from the project root; both must write to the same graphs_exp/ and outputs/.
import * as fs from "fs";
import * as path from "path";

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
 * Writes a file so that readers never see half of it: the bytes go to a temporary file
 * in the same folder, which is then renamed over the target (atomic on POSIX).
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
