// nbgrader end to end on the last two exercises, as nbgrader.test.mjs does on E1 and E2: a
// course with assignment ps2 holding E7 (Dropout, whose mask comes from the learner's own
// generator) and E8 (Momentum, RMSProp, AdamW, each compared step by step with the engine's),
// released from the answer keys, three students autograded, their feedback written. E8's three
// check cells give partial credit.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { errorOf, layOutCourse } from "./nbgrader_course_run.mjs";

const NOTEBOOKS = ["E7-dropout.ipynb", "E8-update-rules.ipynb"];

// What students type where the stubs are, in the order of the stubs. Written as a learner
// would, not copied from the answer key.
const CORRECT = {
  "E7-dropout.ipynb": [
    // Dropout constructor
    `if (typeof p !== "number" || Number.isNaN(p) || p < 0 || p >= 1) {
  throw new RangeError("Dropout: p must be in [0, 1), got " + p);
}`,
    // Dropout.forward
    `if (!options.training) {
  this.mask = null;
  return x.clone();
}
const keep = 1 - this.p;
const m = new nn.Matrix(x.rows, x.cols, x.dtype);
const out = new nn.Matrix(x.rows, x.cols, x.dtype);
for (let r = 0; r < x.rows; r++) {
  for (let c = 0; c < x.cols; c++) {
    const u = this.rng.uniform();
    const factor = u >= this.p ? 1 / keep : 0;
    m.set(r, c, factor);
    out.set(r, c, x.get(r, c) * factor);
  }
}
this.mask = m;
return out;`,
    // Dropout.backward
    `const m = this.mask;
if (m === null) return dOut.clone();
const dX = new nn.Matrix(dOut.rows, dOut.cols, dOut.dtype);
for (let r = 0; r < dOut.rows; r++) {
  for (let c = 0; c < dOut.cols; c++) dX.set(r, c, dOut.get(r, c) * m.get(r, c));
}
return dX;`,
  ],
  "E8-update-rules.ipynb": [
    // Momentum.step
    `if (this.velocity === null) this.velocity = params.map((q) => new Float64Array(q.value.data.length));
const velocities = this.velocity;
for (let k = 0; k < params.length; k++) {
  const param = params[k];
  const vel = velocities[k];
  const lambda = param.decay ? this.weightDecay : 0;
  for (let i = 0; i < vel.length; i++) {
    const grad = param.grad.data[i] + lambda * param.value.data[i];
    vel[i] = vel[i] * this.momentum + grad;
    param.value.data[i] = param.value.data[i] - this.lr * vel[i];
  }
}`,
    // RMSProp.step
    `if (!this.square) this.square = params.map((q) => new Float64Array(q.value.data.length));
const averages = this.square;
params.forEach((param, idx) => {
  const w = param.value.data;
  const gr = param.grad.data;
  const s = averages[idx];
  const lambda = param.decay ? this.weightDecay : 0;
  for (let j = 0; j < w.length; j++) {
    const g = gr[j] + lambda * w[j];
    s[j] = this.alpha * s[j] + (1 - this.alpha) * g * g;
    w[j] = w[j] - (this.lr * g) / (Math.sqrt(s[j]) + this.eps);
  }
});`,
    // AdamW.step
    `this.t++;
if (!this.m || !this.v) {
  this.m = params.map((q) => new Float64Array(q.value.data.length));
  this.v = params.map((q) => new Float64Array(q.value.data.length));
}
const firsts = this.m;
const seconds = this.v;
const bc1 = 1 - Math.pow(this.beta1, this.t);
const bc2 = 1 - Math.pow(this.beta2, this.t);
for (let k = 0; k < params.length; k++) {
  const w = params[k].value.data;
  const grad = params[k].grad.data;
  if (params[k].decay) for (let i = 0; i < w.length; i++) w[i] *= 1 - this.lr * this.weightDecay;
  for (let i = 0; i < w.length; i++) {
    firsts[k][i] = this.beta1 * firsts[k][i] + (1 - this.beta1) * grad[i];
    seconds[k][i] = this.beta2 * seconds[k][i] + (1 - this.beta2) * grad[i] ** 2;
    const mHat = firsts[k][i] / bc1;
    const vHat = seconds[k][i] / bc2;
    w[i] -= (this.lr * mHat) / (Math.sqrt(vHat) + this.eps);
  }
}`,
  ],
};

// Classic mistakes: dropout that keeps the survivors as they are (no 1/(1 − p) scaling), and
// Adam without the bias correction. Momentum and RMSProp are right: E8 gets partial credit.
const MISTAKES = {
  "E7-dropout.ipynb": [
    CORRECT["E7-dropout.ipynb"][0],
    CORRECT["E7-dropout.ipynb"][1]
      .replace("const factor = u >= this.p ? 1 / keep : 0;", "const factor = u >= this.p ? 1 : 0;")
      .replace("const keep = 1 - this.p;\n", ""),
    CORRECT["E7-dropout.ipynb"][2],
  ],
  "E8-update-rules.ipynb": [
    ...CORRECT["E8-update-rules.ipynb"].slice(0, 2),
    CORRECT["E8-update-rules.ipynb"][2]
      .replace("const mHat = firsts[k][i] / bc1;", "const mHat = firsts[k][i];")
      .replace("const vHat = seconds[k][i] / bc2;", "const vHat = seconds[k][i];")
      .replace(/const bc[12] = .*\n/g, ""),
  ],
};

test("nbgrader: release E7 and E8 from the answer keys, autograde three students, write their feedback", { timeout: 400_000 }, (t) => {
  const course = layOutCourse(t, { assignment: "ps2", exercises: ["E7", "E8"], notebooks: NOTEBOOKS });
  if (course === null) return;
  assert.notEqual(MISTAKES["E7-dropout.ipynb"][1], CORRECT["E7-dropout.ipynb"][1], "the dropout mistake is made");
  assert.doesNotMatch(MISTAKES["E8-update-rules.ipynb"][2], /bc1|bc2/, "the AdamW mistake is made");

  course.release(Object.fromEntries(NOTEBOOKS.map((file) => [file, CORRECT[file].length])));
  course.submit({ alice: CORRECT, bob: null, carol: MISTAKES });
  const scores = course.autograde();
  const expected = (dropout, momentum, rmsprop, adamw) => ({
    score: dropout + momentum + rmsprop + adamw,
    max: 11,
    manual: false,
    cells: {
      "E7-dropout": { e7_check_dropout: dropout },
      "E8-update-rules": { e8_check_momentum: momentum, e8_check_rmsprop: rmsprop, e8_check_adamw: adamw },
    },
  });
  assert.deepEqual(scores, { alice: expected(3, 3, 2, 3), bob: expected(0, 0, 0, 0), carol: expected(0, 3, 2, 0) });

  // Checks report on stdout and fail with an error output; nothing on stderr.
  course.assertNoStderr();
  for (const [file, id] of [
    ["E7-dropout.ipynb", "e7_check_dropout"],
    ["E8-update-rules.ipynb", "e8_check_momentum"],
    ["E8-update-rules.ipynb", "e8_check_rmsprop"],
    ["E8-update-rules.ipynb", "e8_check_adamw"],
  ])
    assert.equal(errorOf(course.check("alice", file, id)), undefined, `alice ${id}`);
  // nbgrader's stub names nothing: the grader names the method that threw it (in E7 the
  // constructor, the first thing the check calls).
  const stub = (file, id) => errorOf(course.check("bob", file, id));
  assert.equal(stub("E7-dropout.ipynb", "e7_check_dropout").ename, "ExerciseError");
  assert.match(
    stub("E7-dropout.ipynb", "e7_check_dropout").evalue,
    /^E7 · Dropout: not implemented: Dropout constructor\. Write the code where it says YOUR CODE HERE/,
  );
  assert.match(
    stub("E8-update-rules.ipynb", "e8_check_momentum").evalue,
    /^E8 · SGD with momentum: not implemented: Momentum\.step\. Write the code where it says YOUR CODE HERE/,
  );
  assert.match(stub("E8-update-rules.ipynb", "e8_check_rmsprop").evalue, /^E8 · RMSProp: not implemented: RMSProp\.step\. Write the code/);
  assert.match(
    stub("E8-update-rules.ipynb", "e8_check_adamw").evalue,
    /^E8 · Adam with decoupled weight decay \(AdamW\): not implemented: AdamW\.step\. Write the code/,
  );
  assert.equal(errorOf(course.check("carol", "E7-dropout.ipynb", "e7_check_dropout")).ename, "ExerciseError");
  assert.equal(errorOf(course.check("carol", "E8-update-rules.ipynb", "e8_check_adamw")).ename, "ExerciseError");
  assert.equal(errorOf(course.check("carol", "E8-update-rules.ipynb", "e8_check_rmsprop")), undefined);

  // Feedback: one page per notebook and student, with the scores and what failed.
  course.feedback();
  course.shows("alice", "E7-dropout.ipynb", /E7-dropout \(Score: 3\.0 \/ 3\.0\)/, /E7 · Dropout: all \d+ checks passed/);
  course.shows("alice", "E8-update-rules.ipynb", /E8-update-rules \(Score: 8\.0 \/ 8\.0\)/);
  course.shows("bob", "E7-dropout.ipynb", /E7-dropout \(Score: 0\.0 \/ 3\.0\)/, /E7 · Dropout: not implemented: Dropout constructor\. Write the code/);
  course.shows(
    "bob",
    "E8-update-rules.ipynb",
    /E8-update-rules \(Score: 0\.0 \/ 8\.0\)/,
    /E8 · SGD with momentum: not implemented: Momentum\.step\. Write the code/,
  );
  course.shows(
    "carol",
    "E7-dropout.ipynb",
    /E7-dropout \(Score: 0\.0 \/ 3\.0\)/,
    /✗ training forward: what survives and its scale [^✓✗]* hint: the survivors are not scaled: inverted dropout multiplies what it keeps by 1\/\(1 − p\)/,
  );
  course.shows(
    "carol",
    "E8-update-rules.ipynb",
    /E8-update-rules \(Score: 5\.0 \/ 8\.0\)/,
    /E8 · SGD with momentum: all \d+ checks passed/,
    /E8 · RMSProp: all \d+ checks passed/,
    /✗ 5 steps, weightDecay 0: every param [^✓✗]* hint: the bias correction is missing: m and v start at 0, so early on they are too small/,
  );
});
