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
import { scratchDir } from "./support.mjs";
import { COURSE_SCRIPT, errorOf, layOutCourse } from "./nbgrader_course_run.mjs";

const NOTEBOOKS = ["E1-linear.ipynb", "E2-activations.ipynb"];

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

test("nbgrader: release E1 and E2 from the answer keys, autograde three students, write their feedback", { timeout: 300_000 }, (t) => {
  const course = layOutCourse(t, { assignment: "ps1", exercises: ["E1", "E2"], notebooks: NOTEBOOKS });
  if (course === null) return;

  // The student version (checked by course.release): nothing but the notebooks, so not the
  // my_layers.ts that E6 writes from the answer keys when the instructor runs it in source/.
  fs.writeFileSync(course.path("source", undefined, "my_layers.ts"), "// the answer keys' code\n");
  course.release(Object.fromEntries(NOTEBOOKS.map((file) => [file, CORRECT[file].length])));

  // Three submissions: the work typed into the released notebooks, the stubs untouched, classic mistakes.
  course.submit({ alice: CORRECT, bob: null, carol: MISTAKES });
  const scores = course.autograde();
  const expected = (e1, relu, sigmoid) => ({
    score: e1 + relu + sigmoid,
    max: 8,
    manual: false,
    cells: { "E1-linear": { e1_check_linear: e1 }, "E2-activations": { e2_check_relu: relu, e2_check_sigmoid: sigmoid } },
  });
  assert.deepEqual(scores, { alice: expected(4, 2, 2), bob: expected(0, 0, 0), carol: expected(0, 2, 0) });

  // Checks report on stdout and fail with an error output; nothing on stderr.
  course.assertNoStderr();
  assert.equal(errorOf(course.check("alice", "E2-activations.ipynb", "e2_check_sigmoid")), undefined);
  assert.match(
    errorOf(course.check("bob", "E1-linear.ipynb", "e1_check_linear")).evalue,
    /^E1 · Linear: not implemented: Linear\.forward\. Write the code where it says YOUR CODE HERE/,
  );
  assert.equal(errorOf(course.check("carol", "E2-activations.ipynb", "e2_check_sigmoid")).ename, "ExerciseError");

  // Feedback: one page per notebook and student, with the scores and what failed.
  course.feedback();
  course.shows("alice", "E1-linear.ipynb", /E1-linear \(Score: 4\.0 \/ 4\.0\)/);
  course.shows("alice", "E2-activations.ipynb", /E2-activations \(Score: 4\.0 \/ 4\.0\)/);
  course.shows("bob", "E1-linear.ipynb", /E1-linear \(Score: 0\.0 \/ 4\.0\)/, /E1 · Linear: not implemented: Linear\.forward\. Write the code/);
  course.shows("carol", "E1-linear.ipynb", /E1-linear \(Score: 0\.0 \/ 4\.0\)/, /✗ backward: dW \(this\.weight\.grad\) [^✓✗]* hint: dW is divided by N/);
  course.shows(
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
