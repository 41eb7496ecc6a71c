// What the tests need from outside Node (Python packages, Debian's data, the backends)
// and what happens when it is missing: outside CI the test is skipped and says what to
// install; under CI=true it fails and names the missing piece, so a run never goes green
// by skipping.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";

/** The project's Python (the venv's, set by scripts/common.sh), else python3 on PATH. */
export const PYTHON = process.env.NNFS_PYTHON || "python3";

/** Skips `t` (or fails it under CI) because `what` is missing; `install` says how to add it. */
export function missing(t: TestContext, what: string, install: string): void {
  const message = `${what} is missing (${install})`;
  if (process.env.CI === "true") assert.fail(`${message}: under CI=true every dependency of the tests is required`);
  t.skip(message);
}

/** Whether the project's Python imports every module named. */
export function pythonHas(...modules: string[]): boolean {
  return spawnSync(PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")]).status === 0;
}

/** Skips or fails `t` unless the project's Python imports `modules`; true when it does. */
export function requirePython(t: TestContext, ...modules: string[]): boolean {
  if (pythonHas(...modules)) return true;
  missing(t, `${PYTHON} with ${modules.join(", ")}`, "bash scripts/setup.sh makes the project venv");
  return false;
}
