// A short crash test (npm run crash-test runs 24 kills): Lab 2A's grid killed with SIGKILL at
// random moments and inside file writes leaves only whole files, and resumes to the results
// of an uninterrupted run.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./support.mjs";

test("killed with SIGKILL 4 times, Lab 2A's grid leaves whole files and resumes to the same results", () => {
  const run = spawnSync(process.execPath, [path.join(ROOT, "scripts", "crash_test.mjs"), "--kills", "4", "--seed", "7"], { encoding: "utf8", cwd: ROOT });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^4 kills \(\d+ inside a file write\), \d+ completed resumptions, 0 problems$/m);
  assert.match(run.stdout, /final run \(reused \d+ of 11 runs\): 16 files identical to the uninterrupted run's, 0 temporary files left/);
});
