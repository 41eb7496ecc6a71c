// nbgrader end to end, as an instructor runs it on the exercise track: a course folder laid
// out from the answer keys (scripts/nbgrader_course.mjs, with notebooks/exercises/nbgrader_config.py),
// `nbgrader generate_assignment`, three students' submissions made from the released notebooks,
// `nbgrader autograde` (scores read from the gradebook) and `nbgrader generate_feedback`.
// E1 and E2 only, to stay fast: E2's two check cells give partial credit.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, jupyterPython, missing, scratchDir } from "./support.mjs";

const COURSE_SCRIPT = path.join(ROOT, "scripts", "nbgrader_course.mjs");
const KEYS = path.join(ROOT, "notebooks", "exercises", "solutions");
const NOTEBOOKS = ["E1-linear.ipynb", "E2-activations.ipynb"];
/** The stub of notebooks/exercises/nbgrader_config.py, as it appears in a released cell. */
const STUB = /^([ \t]*)\/\/ YOUR CODE HERE\n[ \t]*throw new Error\("not implemented"\);$/gm;

const source = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
const readNotebook = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

// What students type where the stubs are, in the order of the stubs. Written as a learner
// would, not copied from the answer key.
const CORRECT = {
  "E1-linear.ipynb": [
    // Linear.forward
    `const W = this.weight.value;
const b = this.bias.value;
const y = new nn.Matrix(x.rows, W.cols, x.dtype);
for (let n = 0; n < x.rows; n++) {
  for (let j = 0; j < W.cols; j++) {
    let s = b.get(0, j);
    for (let k = 0; k < W.rows; k++) s += x.get(n, k) * W.get(k, j);
    y.set(n, j, s);
  }
}
this.x = x;
return y;`,
    // Linear.backward
    `const x = this.x!;
const W = this.weight.value;
const dW = this.weight.grad;
const db = this.bias.grad;
const dX = new nn.Matrix(x.rows, W.rows, x.dtype);
dW.data.fill(0);
db.data.fill(0);
for (let n = 0; n < x.rows; n++) {
  for (let j = 0; j < W.cols; j++) {
    const g = dOut.get(n, j);
    db.set(0, j, db.get(0, j) + g);
    for (let k = 0; k < W.rows; k++) {
      dW.set(k, j, dW.get(k, j) + x.get(n, k) * g);
      dX.set(n, k, dX.get(n, k) + g * W.get(k, j));
    }
  }
}
return dX;`,
  ],
  "E2-activations.ipynb": [
    // ReLU.forward
    `const y = x.clone();
for (let i = 0; i < y.data.length; i++) if (y.data[i] < 0) y.data[i] = 0;
this.y = y;
return y;`,
    // ReLU.backward
    `const dX = dOut.clone();
for (let i = 0; i < dX.data.length; i++) if (!(this.y!.data[i] > 0)) dX.data[i] = 0;
return dX;`,
    // Sigmoid.forward
    `const y = new nn.Matrix(x.rows, x.cols, x.dtype);
for (let i = 0; i < x.data.length; i++) {
  const v = x.data[i];
  y.data[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}
this.y = y;
return y;`,
    // Sigmoid.backward
    `const y = this.y!;
const dX = new nn.Matrix(dOut.rows, dOut.cols, dOut.dtype);
for (let i = 0; i < dX.data.length; i++) dX.data[i] = dOut.data[i] * y.data[i] * (1 - y.data[i]);
return dX;`,
  ],
};

// Classic mistakes: dW and db averaged over the batch (dOut already carries the 1/N), and the
// sigmoid written as e^x / (1 + e^x), NaN at x = 1000. The ReLU is right: E2 gets partial credit.
const MISTAKES = {
  "E1-linear.ipynb": [
    CORRECT["E1-linear.ipynb"][0],
    CORRECT["E1-linear.ipynb"][1].replace(
      "return dX;",
      "for (let i = 0; i < dW.data.length; i++) dW.data[i] /= x.rows;\nfor (let i = 0; i < db.data.length; i++) db.data[i] /= x.rows;\nreturn dX;",
    ),
  ],
  "E2-activations.ipynb": [
    ...CORRECT["E2-activations.ipynb"].slice(0, 2),
    `const y = new nn.Matrix(x.rows, x.cols, x.dtype);
for (let i = 0; i < x.data.length; i++) y.data[i] = Math.exp(x.data[i]) / (1 + Math.exp(x.data[i]));
this.y = y;
return y;`,
    CORRECT["E2-activations.ipynb"][3],
  ],
};

/** The released notebook with `answers` typed in place of its stubs, in order (what a student saves). */
function typedInto(released, answers) {
  const nb = JSON.parse(JSON.stringify(released));
  let next = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code" || !cell.metadata.nbgrader?.solution) continue;
    cell.source = source(cell).replace(STUB, (_, indent) =>
      answers[next++]
        .split("\n")
        .map((l) => indent + l)
        .join("\n"),
    );
  }
  assert.equal(next, answers.length, "one answer per stub");
  return nb;
}

/** Visible text of an HTML page: tags dropped, entities decoded, white space collapsed. */
function pageText(html) {
  const entities = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) => entities[e])
    .replace(/\s+/g, " ");
}

// Scores from the gradebook, per student: the total, and per notebook each check cell's score.
const GRADEBOOK_QUERY = `
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    out = {}
    for student in gb.students:
        sub = gb.find_submission(sys.argv[2], student.id)
        out[student.id] = {
            "score": sub.score, "max": sub.max_score, "manual": sub.needs_manual_grade,
            "cells": {nb.name: {g.name: g.score for g in nb.grades} for nb in sub.notebooks},
        }
    print(json.dumps(out))
`;

test("nbgrader: release E1 and E2 from the answer keys, autograde three students, write their feedback", { timeout: 300_000 }, (t) => {
  let python;
  try {
    python = jupyterPython();
  } catch {
    return missing(t, "Jupyter (nbclient, nbconvert)", "bash scripts/setup.sh makes the project venv");
  }
  if (spawnSync(python, ["-c", "import nbgrader"]).status !== 0)
    return missing(t, "nbgrader", "bash scripts/setup.sh installs it into the project venv (requirements.txt)");
  const course = scratchDir("nnfs-nbgrader-");
  // nbgrader runs alembic from PATH. JUPYTER_PATH is left out: the track's config adds the
  // project's kernel spec itself, and this proves it does.
  const { JUPYTER_PATH: _, ...env } = process.env;
  env.PATH = `${path.dirname(python)}${path.delimiter}${process.env.PATH}`;
  const nbgrader = (...args) => {
    const run = spawnSync(python, ["-m", "nbgrader", ...args], { cwd: course, env, encoding: "utf8", timeout: 240_000 });
    assert.equal(run.status, 0, `nbgrader ${args.join(" ")}:\n${run.stdout}\n${run.stderr}`);
    return run;
  };

  // The course folder, as the instructor lays it out.
  const laidOut = spawnSync(process.execPath, [COURSE_SCRIPT, course, "--assignment", "ps1", "E1", "E2"], { encoding: "utf8" });
  assert.equal(laidOut.status, 0, laidOut.stderr);
  assert.deepEqual(fs.readdirSync(path.join(course, "source", "ps1")).sort(), NOTEBOOKS);

  // The student version: stubs in place of every solution region, no outputs, and no word of
  // the answer key, nor where it is. Nothing else: not the my_layers.ts that E6 writes from the
  // answer keys when the instructor runs it in source/.
  fs.writeFileSync(path.join(course, "source", "ps1", "my_layers.ts"), "// the answer keys' code\n");
  nbgrader("generate_assignment", "ps1");
  assert.deepEqual(fs.readdirSync(path.join(course, "release", "ps1")).sort(), NOTEBOOKS);
  const released = {};
  for (const file of NOTEBOOKS) {
    const text = fs.readFileSync(path.join(course, "release", "ps1", file), "utf8");
    const nb = (released[file] = JSON.parse(text));
    const key = readNotebook(path.join(KEYS, file));
    assert.doesNotMatch(text, /solutions\/|answer[ -]?key|BEGIN SOLUTION|END SOLUTION/i, `${file}: points at the solutions`);
    // Every line of the key's solution regions, unless the text around the regions has it too.
    const keyLines = (inside) =>
      key.cells.flatMap((c) =>
        source(c)
          .split("\n")
          .filter((_, i, lines) => inside === insideRegion(lines, i))
          .map((l) => l.trim()),
      );
    const around = keyLines(false).join("\n");
    const releasedText = nb.cells.map(source).join("\n");
    const leaked = keyLines(true).filter((l) => l !== "" && !around.includes(l) && releasedText.includes(l));
    assert.deepEqual(leaked, [], `${file}: solution code in the student version`);
    const stubs = nb.cells.map((c) => [...source(c).matchAll(STUB)].length).reduce((a, b) => a + b, 0);
    assert.equal(stubs, CORRECT[file].length, `${file}: one stub per solution region`);
    assert.ok(
      nb.cells.every((c) => (c.outputs ?? []).length === 0),
      `${file}: released with outputs`,
    );
  }

  // Three submissions: the work typed into the released notebooks, the stubs untouched, classic mistakes.
  const students = { alice: CORRECT, bob: null, carol: MISTAKES };
  for (const [student, answers] of Object.entries(students)) {
    const dir = path.join(course, "submitted", student, "ps1");
    fs.mkdirSync(dir, { recursive: true });
    for (const file of NOTEBOOKS) {
      const nb = answers === null ? released[file] : typedInto(released[file], answers[file]);
      fs.writeFileSync(path.join(dir, file), JSON.stringify(nb, null, 1));
    }
  }

  nbgrader("autograde", "ps1");
  const query = spawnSync(python, ["-c", GRADEBOOK_QUERY, path.join(course, "gradebook.db"), "ps1"], { env, encoding: "utf8" });
  assert.equal(query.status, 0, query.stderr);
  const scores = JSON.parse(query.stdout);
  const expected = (e1, relu, sigmoid) => ({
    score: e1 + relu + sigmoid,
    max: 8,
    manual: false,
    cells: { "E1-linear": { e1_check_linear: e1 }, "E2-activations": { e2_check_relu: relu, e2_check_sigmoid: sigmoid } },
  });
  assert.deepEqual(scores, { alice: expected(4, 2, 2), bob: expected(0, 0, 0), carol: expected(0, 2, 0) });

  // What the autograder saw: checks report on stdout and fail with an error output; nothing on
  // stderr, which would cost a passing check its points.
  const cellsOf = (student, file) => readNotebook(path.join(course, "autograded", student, "ps1", file)).cells.filter((c) => c.cell_type === "code");
  const check = (student, file, id) => cellsOf(student, file).find((c) => c.metadata.nbgrader?.grade_id === id);
  for (const student of Object.keys(students)) {
    for (const file of NOTEBOOKS) {
      for (const cell of cellsOf(student, file)) {
        const stderr = cell.outputs.filter((o) => o.output_type === "stream" && o.name === "stderr");
        assert.deepEqual(stderr, [], `${student} ${file} ${cell.metadata.nbgrader?.grade_id}: wrote to stderr`);
      }
    }
  }
  const errorOf = (cell) => cell.outputs.find((o) => o.output_type === "error");
  assert.equal(errorOf(check("alice", "E2-activations.ipynb", "e2_check_sigmoid")), undefined);
  assert.match(
    errorOf(check("bob", "E1-linear.ipynb", "e1_check_linear")).evalue,
    /^E1 · Linear: not implemented: Linear\.forward\. Write the code where it says YOUR CODE HERE/,
  );
  assert.equal(errorOf(check("carol", "E2-activations.ipynb", "e2_check_sigmoid")).ename, "ExerciseError");

  // Feedback: one page per notebook and student, with the scores and what failed.
  nbgrader("generate_feedback", "ps1");
  const shows = (student, file, ...patterns) => {
    const page = pageText(fs.readFileSync(path.join(course, "feedback", student, "ps1", file.replace(/\.ipynb$/, ".html")), "utf8"));
    for (const p of patterns) assert.ok(p.test(page), `${student}'s feedback on ${file} does not show ${p}; its scores: ${page.match(/\(Score: [^)]*\)/g)}`);
  };
  shows("alice", "E1-linear.ipynb", /E1-linear \(Score: 4\.0 \/ 4\.0\)/);
  shows("alice", "E2-activations.ipynb", /E2-activations \(Score: 4\.0 \/ 4\.0\)/);
  shows("bob", "E1-linear.ipynb", /E1-linear \(Score: 0\.0 \/ 4\.0\)/, /E1 · Linear: not implemented: Linear\.forward\. Write the code/);
  shows("carol", "E1-linear.ipynb", /E1-linear \(Score: 0\.0 \/ 4\.0\)/, /✗ backward: dW \(this\.weight\.grad\) [^✓✗]* hint: dW is divided by N/);
  shows(
    "carol",
    "E2-activations.ipynb",
    /E2-activations \(Score: 2\.0 \/ 4\.0\)/,
    /E2 · ReLU: all 5 checks passed/,
    /✗ forward at x = ±1000: 0 and 1, no NaN [^✓✗]*y has NaN[^✓✗]* hint: e\^x \/ \(1 \+ e\^x\) is Infinity \/ Infinity = NaN/,
  );
});

test("nbgrader_course.mjs keeps what is there and refuses E6 without E1–E5", () => {
  const course = scratchDir("nnfs-nbgrader-course-");
  const layOut = (...args) => spawnSync(process.execPath, [COURSE_SCRIPT, course, ...args], { encoding: "utf8" });
  assert.equal(layOut("E1").status, 0);
  const key = path.join(course, "source", "exercises", "E1-linear.ipynb");
  fs.writeFileSync(key, "{} // the instructor's edit");
  const again = layOut("E1");
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /kept .*E1-linear\.ipynb/);
  assert.equal(fs.readFileSync(key, "utf8"), "{} // the instructor's edit");
  assert.match(fs.readFileSync(path.join(course, "nbgrader_config.py"), "utf8"), /load_subconfig\(_track\)/);
  const e6 = layOut("E6");
  assert.equal(e6.status, 1);
  assert.match(e6.stderr, /E6 builds on E1–E5 from the same folder/);
});

/** Whether line `i` of a cell lies inside a `// BEGIN SOLUTION` … `// END SOLUTION` region (the delimiters count as inside). */
function insideRegion(lines, i) {
  let inside = false;
  for (let j = 0; j <= i; j++) {
    if (lines[j].includes("BEGIN SOLUTION")) inside = true;
    else if (lines[j].includes("END SOLUTION")) {
      if (j === i) return true;
      inside = false;
    }
  }
  return inside;
}
