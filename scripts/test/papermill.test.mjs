// papermill on the labs, with the project's TypeScript translator (scripts/papermill_typescript):
// it injects the very cell the runner injects, for every lab and every kind of value, and a
// value of the wrong type stops the run at the injected cell with the compiler's message.
// (notebooks.test.mjs runs Lab 2B with papermill and compares its results with the runner's.)
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, missing, scratchDir } from "./support.mjs";

const PYTHON = process.env.NNFS_PYTHON || "python3";
const LABS = fs
  .readdirSync(path.join(ROOT, "notebooks"))
  .filter((f) => /^0[2-9].*\.ipynb$/.test(f))
  .map((f) => path.join(ROOT, "notebooks", f));
const havePapermill = () => spawnSync(PYTHON, ["-c", "import papermill, papermill_typescript"]).status === 0;

test("papermill injects the runner's parameters cell into every lab", (t) => {
  if (!havePapermill())
    return missing(t, `papermill with the TypeScript translator for ${PYTHON}`, "bash scripts/setup.sh installs both into the project venv");
  for (const values of [
    { dataset: "mnist", fresh: true, checkpoint: null },
    { checkpoint: 'saved_models/ae "odd" näme.safetensors', fresh: false },
  ]) {
    const run = spawnSync(PYTHON, [path.join(ROOT, "scripts", "test", "compare_injection.py"), JSON.stringify(values), ...LABS], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const results = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(results.length, 5, "Labs 2A–2E");
    for (const r of results) {
      assert.deepEqual(r.papermill, r.runner, r.notebook);
      if (r.runner !== null) assert.match(r.runner.source, /^\/\/ Parameters\n(\w+ = .+;\n)+$/, r.notebook);
    }
    assert.ok(results.filter((r) => r.runner !== null).length >= 4, "Labs 2A, 2B, 2D and 2E take a checkpoint or fresh");
  }
});

test("papermill stops at the injected cell when a value has the wrong type", { timeout: 120_000 }, (t) => {
  if (spawnSync("papermill", ["--version"]).status !== 0) return missing(t, "papermill", "bash scripts/setup.sh installs it into the project venv");
  const dir = scratchDir("nnfs-papermill-");
  const out = path.join(dir, "out.ipynb");
  const run = spawnSync("papermill", [LABS[0], out, "-k", "tslab", "-p", "dataset", "cifar10", "--cwd", path.join(ROOT, "notebooks")], {
    encoding: "utf8",
    env: { ...process.env, NNFS_ROOT: dir, LABS_PROFILE: "quick" },
  });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /Type '"cifar10"' is not assignable to type '"fashion" \| "mnist"'/);
  assert.doesNotMatch(run.stderr, /unknown parameter|does not support parameter introspection/, "the translator knows the declared parameters");
  const cells = JSON.parse(fs.readFileSync(out, "utf8")).cells;
  const at = cells.findIndex((c) => c.metadata.tags?.includes("injected-parameters"));
  assert.equal(cells[at].outputs[0]?.ename, "TypeScriptError");
  assert.ok(
    cells.slice(at + 1).every((c) => c.cell_type !== "code" || c.execution_count === null),
    "nothing ran after the injected cell",
  );
});
