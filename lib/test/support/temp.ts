// Scratch folders for tests, removed when the test file finishes (pass or fail), so test
// runs do not pile up folders in the system temp directory.
import { after } from "node:test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];
after(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the system temp directory, e.g. tempDir("nnfs-npz-"). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
