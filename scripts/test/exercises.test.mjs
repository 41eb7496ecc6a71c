// The student versions of the exercise notebooks, as `npm run exercises` makes them, run
// headless: every check cell fails with its "not implemented" message, and no cell fails
// for any other reason. Also: --reset keeps the learner's file as a backup.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, jupyterPython, notebookJson, scratchDir as scratch } from "./support.mjs";

const SCRIPT = path.join(ROOT, "scripts", "exercises.mjs");

function makeStudentVersions(dir, ...args) {
  const run = spawnSync(process.execPath, [SCRIPT, "--into", dir, ...args], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  return run.stdout;
}

test("the student notebooks run headless and every check cell fails with its 'not implemented' message", { timeout: 600_000 }, () => {
  const dir = scratch("nnfs-student-");
  makeStudentVersions(dir, "--quiet");
  // As in notebooks/exercises: `import "nnfs"` resolves through the project's node_modules.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const notebooks = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  assert.equal(notebooks.length, 9);
  let checks = 0;
  for (const nb of notebooks) {
    const run = spawnSync(jupyterPython(), [path.join(ROOT, "scripts", "test", "execute_cells.py"), path.join(dir, nb)], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(ROOT, ".jupyter"), NNFS_ROOT: dir },
      timeout: 300_000,
    });
    assert.equal(run.status, 0, `${nb}: ${run.stderr}`);
    const cells = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    for (const c of cells) {
      const where = `${nb} cell ${c.index + 1} (${c.grade_id})`;
      if (c.grade) {
        checks++;
        assert.equal(c.status, "error", `${where}: a check passed on the stub`);
        assert.equal(c.error?.ename, "ExerciseError", where);
        assert.match(c.error.text, /ExerciseError: .*not implemented: \S+.*Write the code where it says YOUR CODE HERE/, where);
        assert.equal(c.stderr, "", `${where}: the failure is an error output, not stderr`);
      } else {
        assert.ok(c.status === "ok" || /not implemented: /.test(c.error?.text), `${where} failed otherwise: ${c.status} ${c.error?.text}`);
      }
    }
  }
  assert.equal(checks, 16, "E0 1, E1 1, E2 2, E3 2, E4 1, E5 1, E6 4, E7 1, E8 3 check cells");
  // E6 collected the stubs and said what is left to do.
  assert.match(fs.readFileSync(path.join(dir, "my_layers.ts"), "utf8"), /throw new Error\("not implemented: BatchNorm1d.backward"\)/);
});

test("--reset starts an exercise over and keeps the learner's version as a backup; other files are never overwritten", () => {
  const dir = scratch("nnfs-reset-");
  makeStudentVersions(dir, "--quiet");
  const e1 = path.join(dir, "E1-linear.ipynb");
  const e2 = path.join(dir, "E2-activations.ipynb");
  fs.writeFileSync(e1, fs.readFileSync(e1, "utf8").replace("YOUR CODE HERE", "my work"));
  fs.writeFileSync(e2, fs.readFileSync(e2, "utf8").replace("YOUR CODE HERE", "my other work"));
  makeStudentVersions(dir, "--quiet");
  assert.match(fs.readFileSync(e1, "utf8"), /my work/, "a plain run must not overwrite work");
  const out = makeStudentVersions(dir, "--reset", "E1");
  assert.match(out, /kept your previous E1-linear.ipynb as .*E1-linear\.backup-.*\.ipynb/);
  assert.doesNotMatch(fs.readFileSync(e1, "utf8"), /my work/);
  assert.match(fs.readFileSync(e2, "utf8"), /my other work/);
  const backups = fs.readdirSync(dir).filter((f) => f.startsWith("E1-linear.backup-"));
  assert.equal(backups.length, 1);
  assert.match(fs.readFileSync(path.join(dir, backups[0]), "utf8"), /my work/);
  const bad = spawnSync(process.execPath, [SCRIPT, "--into", dir, "--reset", "E9"], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--reset E9: no such exercise; there are E0, E1, E2, E3, E4, E5, E6, E7, E8/);
});

test("E6 picks up an exercise changed and saved while its kernel runs", { timeout: 300_000 }, () => {
  const dir = scratch("nnfs-recollect-");
  for (const f of fs.readdirSync(path.join(ROOT, "notebooks", "exercises", "solutions")).filter((f) => f.endsWith(".ipynb"))) {
    fs.copyFileSync(path.join(ROOT, "notebooks", "exercises", "solutions", f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  // One kernel: collect and import, then "save" an edited E2 (a cell stands in for the learner), collect and import again.
  const cells = [
    'import * as nn from "nnfs";\nimport * as fs from "fs";',
    "await nn.exercises.collectMyLayers({ log: null });",
    'import { ReLU } from "./my_layers";',
    "console.log(new ReLU().label);",
    'fs.writeFileSync("E2-activations.ipynb", fs.readFileSync("E2-activations.ipynb", "utf8").replace(\'readonly label = \\\\"ReLU\\\\";\', \'readonly label = \\\\"ReLU, edited\\\\";\'));',
    "await nn.exercises.collectMyLayers({ log: null });",
    'import { ReLU } from "./my_layers";',
    "console.log(new ReLU().label);",
  ];
  const nb = path.join(dir, "recollect.ipynb");
  fs.writeFileSync(nb, notebookJson(cells));
  const run = spawnSync(jupyterPython(), [path.join(ROOT, "scripts", "test", "execute_cells.py"), nb], {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: path.join(ROOT, ".jupyter"), NNFS_ROOT: dir },
    timeout: 240_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    out.map((c) => c.status),
    Array(cells.length).fill("ok"),
    out.map((c) => c.error?.text ?? c.stderr).join("\n"),
  );
  assert.equal(out[3].stdout.trim(), "ReLU");
  assert.equal(out[7].stdout.trim(), "ReLU, edited");
});
