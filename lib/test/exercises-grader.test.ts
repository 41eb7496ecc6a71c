// The grader is only trusted once wrong code has been seen to fail it: every mutant (one
// classic mistake each) must fail a check whose hint names that mistake, and correct code
// written differently from the answer key must pass every check.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Classifier, Rng, exercises, fit } from "../src";
import type { ExerciseReport } from "../src/exercises";
import { KernelLinear, MaskReLU, StableSigmoid, StagedBatchNorm, TwoPassSGD, logSoftmaxCrossEntropy, rowwiseMse } from "./support/learner_code";
import { MUTANTS } from "./support/mutants";

function failures(report: ExerciseReport): string {
  return report.results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.detail} (hint: ${r.hint ?? "none"})`).join("\n");
}

test("correct implementations written differently from the answer key pass every check", () => {
  const reports = [
    exercises.gradeLinear(KernelLinear),
    exercises.gradeReLU(MaskReLU),
    exercises.gradeSigmoid(StableSigmoid),
    exercises.gradeSoftmaxCrossEntropy(logSoftmaxCrossEntropy),
    exercises.gradeMeanSquaredError(rowwiseMse),
    exercises.gradeBatchNorm(StagedBatchNorm),
    exercises.gradeSGD(TwoPassSGD),
  ];
  for (const r of reports) {
    assert.equal(r.passed, true, `${r.title}:\n${failures(r)}`);
    assert.ok(r.results.length >= 4, `${r.title} ran ${r.results.length} checks`);
  }
  // Other seeds draw other shapes and values.
  for (const seed of [1, 2, 3]) assert.equal(exercises.gradeBatchNorm(StagedBatchNorm, { seed }).passed, true, `seed ${seed}`);
});

test("a network of correct learner layers reaches the E6 spirals target", () => {
  const spiral = exercises.gradeSpiralClassifier((data) => {
    const rng = new Rng(0);
    const model = new Classifier([new KernelLinear(2, 64, rng), new MaskReLU(), new KernelLinear(64, 64, rng), new MaskReLU(), new KernelLinear(64, 3, rng)], { loss: logSoftmaxCrossEntropy });
    return { model, history: fit(model, data.train, { epochs: 100, batchSize: 32, optimizer: new TwoPassSGD({ lr: 0.1, weightDecay: 1e-4 }), seed: 0, val: data.val }) };
  });
  assert.equal(spiral.passed, true, failures(spiral));
  // (The noisy curve takes 300 epochs; the E6 answer key reaches that target in the notebook test.)
});

test("every mutant fails a check with the hint for its mistake (at least three per exercise)", () => {
  const perExercise = new Map<string, number>();
  for (const m of MUTANTS) {
    const report = m.grade();
    assert.equal(report.passed, false, `${m.exercise} ${m.mistake}: the grader passed it`);
    const hints = report.results.filter((r) => !r.passed).map((r) => r.hint ?? "");
    assert.ok(hints.some((h) => m.hint.test(h)), `${m.exercise} ${m.mistake}: no hint matches ${m.hint}\n${failures(report)}`);
    perExercise.set(m.exercise, (perExercise.get(m.exercise) ?? 0) + 1);
  }
  assert.deepEqual([...perExercise.keys()].sort(), ["E1", "E2", "E3", "E4", "E5", "E6"]);
  for (const [exercise, count] of perExercise) assert.ok(count >= 3, `${exercise} has ${count} mutants`);
});
