// Shared by the script tests: the project root, the Python that has Jupyter's nbclient,
// what happens when a dependency is missing, and scratch folders removed when the test
// process exits.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Skips `t` because `what` is missing, saying how to install it; under CI=true fails it
 * instead, naming what is missing, so that a run never goes green by skipping.
 */
export function missing(t, what, install) {
  const message = `${what} is missing (${install})`;
  if (process.env.CI === "true") assert.fail(`${message}: under CI=true every dependency of the tests is required`);
  t.skip(message);
}

export function jupyterPython() {
  const found = spawnSync("bash", ["-c", `source "${ROOT}/scripts/common.sh" && find_jupyter_python`], { encoding: "utf8" });
  assert.equal(found.status, 0, "no Python with Jupyter's nbclient/nbconvert: run bash scripts/setup.sh (it makes the project venv)");
  return found.stdout.trim();
}

/** A new folder under the system temp directory, removed when the process exits. */
export function scratchDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A notebook for the tslab kernel with one code cell per source. */
export function notebookJson(cells) {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
    cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, execution_count: null, outputs: [], source })),
  });
}

/** Runs the runner with artifacts in a scratch project root, so tests never touch the user's. */
export function runNotebooks(args, scratch) {
  return spawnSync(jupyterPython(), [path.join(ROOT, "scripts", "run_notebooks.py"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NNFS_ROOT: scratch },
    timeout: 20 * 60 * 1000,
  });
}

/** The sources and stream outputs of an executed notebook, as one text. */
export function cellText(file) {
  const join = (x) => (Array.isArray(x) ? x.join("") : (x ?? ""));
  return JSON.parse(fs.readFileSync(file, "utf8"))
    .cells.map((c) => join(c.source) + (c.outputs ?? []).map((o) => join(o.text)).join(""))
    .join("\n");
}
