// The grader is only trusted once wrong code has been seen to fail it: every mutant (one
// classic mistake each) must fail a check whose hint names that mistake, and correct code
// written differently from the answer key must pass every check.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Classifier, Linear, Rng, SGD, exercises, fit, kernels } from "../src";
import type { ExerciseReport } from "../src/exercises";
import {
  KernelLinear,
  MaskReLU,
  OuterProductLinear,
  StableSigmoid,
  StagedBatchNorm,
  TwoPassSGD,
  logSoftmaxCrossEntropy,
  rowwiseMse,
} from "./support/learner_code";
import * as backend from "../src/kernels/backend";
import { DELEGATING, HANDED_TO_ENGINE } from "./support/delegating";
import { CATALOGUE_MUTANTS, MUTANTS } from "./support/mutants";
import { MINE } from "./support/network_mutants";
import { gradeCorrectGradientCheck } from "./support/gradcheck_code";

function failures(report: ExerciseReport): string {
  return report.results
    .filter((r) => !r.passed)
    .map((r) => `${r.name}: ${r.detail} (hint: ${r.hint ?? "none"})`)
    .join("\n");
}

test("correct implementations written differently from the answer key pass every check", () => {
  // Seeds 0–3 draw other shapes and values.
  for (const seed of [0, 1, 2, 3]) {
    const reports = [
      gradeCorrectGradientCheck(seed),
      exercises.gradeLinear(OuterProductLinear, { seed }),
      exercises.gradeReLU(MaskReLU, { seed }),
      exercises.gradeSigmoid(StableSigmoid, { seed }),
      exercises.gradeSoftmaxCrossEntropy(logSoftmaxCrossEntropy, { seed }),
      exercises.gradeMeanSquaredError(rowwiseMse, { seed }),
      exercises.gradeBatchNorm(StagedBatchNorm, { seed }),
      exercises.gradeSGD(TwoPassSGD, { seed }),
    ];
    for (const r of reports) {
      assert.equal(r.passed, true, `${r.title}, seed ${seed}:\n${failures(r)}`);
      assert.ok(r.results.length >= 4, `${r.title} ran ${r.results.length} checks`);
    }
  }
});

test("a network of correct learner layers passes E6's checks before training and reaches the spirals targets, with and without BatchNorm", () => {
  const network = (): exercises.NetworkSetup<Int32Array> => {
    const rng = new Rng(0);
    const model = new Classifier([new KernelLinear(2, 64, rng), new MaskReLU(), new KernelLinear(64, 64, rng), new MaskReLU(), new KernelLinear(64, 3, rng)], {
      loss: logSoftmaxCrossEntropy,
    });
    return { model, optimizer: new TwoPassSGD({ lr: 0.2, weightDecay: 1e-4 }) };
  };
  const before = exercises.gradeBeforeTraining(network, MINE);
  assert.equal(before.passed, true, failures(before));
  assert.match(before.results.map((r) => r.detail).join("\n"), /initial loss 1\.\d+ on the 720 training points[\s\S]*loss 1\.\d+ → [\d.e-]+ in \d+ steps/);
  const step = TwoPassSGD.prototype.step;
  const engineStep = SGD.prototype.step;
  const spiral = exercises.gradeSpiralClassifier((data) => {
    const { model, optimizer } = network();
    return { model, history: fit(model, data.train, { epochs: 60, batchSize: 32, optimizer, seed: 0, val: data.val }) };
  }, MINE);
  assert.equal(spiral.passed, true, failures(spiral));
  assert.equal(TwoPassSGD.prototype.step, step, "the grader put the learner's step back");
  assert.equal(SGD.prototype.step, engineStep, "and the engine's");
  const batchNorm = exercises.gradeBatchNormClassifier((data) => {
    const rng = new Rng(0);
    const model = new Classifier(
      [
        new KernelLinear(2, 64, rng),
        new StagedBatchNorm(64, {}),
        new MaskReLU(),
        new KernelLinear(64, 64, rng),
        new StagedBatchNorm(64, {}),
        new MaskReLU(),
        new KernelLinear(64, 3, rng),
      ],
      { loss: logSoftmaxCrossEntropy },
    );
    return {
      model,
      history: fit(model, data.train, { epochs: 40, batchSize: 64, optimizer: new TwoPassSGD({ lr: 0.5, weightDecay: 1e-4 }), seed: 0, val: data.val }),
    };
  }, MINE);
  assert.equal(batchNorm.passed, true, failures(batchNorm));
  // (The noisy curve takes 300 epochs; the E6 answer key reaches that target in the notebook test.)
});

test("every mutant fails a check with the hint for its mistake (at least three per exercise)", () => {
  const perExercise = new Map<string, number>();
  for (const m of [...CATALOGUE_MUTANTS, ...MUTANTS]) {
    const report = m.grade();
    assert.equal(report.passed, false, `${m.exercise} ${m.mistake}: the grader passed it`);
    const hints = report.results.filter((r) => !r.passed).map((r) => r.hint ?? "");
    assert.ok(
      hints.some((h) => m.hint.test(h)),
      `${m.exercise} ${m.mistake}: no hint matches ${m.hint}\n${failures(report)}`,
    );
    perExercise.set(m.exercise, (perExercise.get(m.exercise) ?? 0) + 1);
  }
  assert.deepEqual([...perExercise.keys()].sort(), ["E0", "E1", "E2", "E3", "E4", "E5", "E6"]);
  for (const [exercise, count] of perExercise) assert.ok(count >= 3, `${exercise} has ${count} mutants`);
});

test("every mistake in the catalogue, made in correct learner code, fails a check with exactly that mistake's hint", () => {
  // The grader's suspects are the catalogue's values; a value that no longer matches what
  // its wrong implementation returns leaves that mutant without its hint.
  assert.ok(CATALOGUE_MUTANTS.length > 0);
  const missed = CATALOGUE_MUTANTS.flatMap((m) => {
    const report = m.grade();
    const hints = report.results.filter((r) => !r.passed).map((r) => r.hint ?? "");
    return hints.some((h) => m.hint.test(h)) ? [] : [`${m.exercise} ${m.mistake}: no hint is exactly ${m.hint}\n${failures(report)}`];
  });
  assert.deepEqual(missed, []);
  const ids = CATALOGUE_MUTANTS.map((m) => `${m.exercise} ${m.mistake}`);
  assert.equal(new Set(ids).size, ids.length, "catalogue ids are unique");
});

test("a graded method that hands the work to the engine's layer, loss, SGD, kernel or gradient check fails only the 'written by hand' check, which names what it used", () => {
  const gemm = kernels.gemm;
  const forward = Linear.prototype.forward;
  const dispatch = [backend.activeGemm, backend.acceleratedFloat32];
  for (const d of DELEGATING) {
    const report = d.grade();
    const failed = report.results.filter((r) => !r.passed);
    assert.equal(failed.length, 1, `${d.exercise}: ${failures(report)}`);
    assert.match(failed[0].name, /^written by hand, not handed to nn\.\w+( or nn\.kernels)?$/, d.exercise);
    assert.match(failed[0].detail, d.uses, d.exercise);
    assert.match(failed[0].hint ?? "", HANDED_TO_ENGINE, d.exercise);
    assert.equal(report.passed, false, d.exercise);
  }
  // The engine is put back after every check, and code written by hand gets no such line.
  assert.equal(kernels.gemm, gemm);
  assert.equal(Linear.prototype.forward, forward);
  assert.deepEqual([backend.activeGemm, backend.acceleratedFloat32], dispatch, "the backend dispatch is put back too");
  const own = exercises.gradeLinear(OuterProductLinear);
  assert.ok(
    own.results.every((r) => !/written by hand/.test(r.name)),
    failures(own),
  );
  assert.throws(
    () => exercises.checkLinear(KernelLinear, { log: null }),
    /E1 · Linear: 1 of 9 checks failed: written by hand, not handed to nn\.Linear or nn\.kernels/,
  );
});
