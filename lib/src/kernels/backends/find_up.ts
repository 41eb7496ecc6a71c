// Finds a folder of the source tree from compiled code, which runs from lib/dist or lib/build.
import * as fs from "fs";
import * as path from "path";

/** The nearest folder, from this file's up, that holds `marker` (a relative path); null when none does. */
export function findUp(marker: string): string | null {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, marker))) return dir;
  }
  return null;
}
