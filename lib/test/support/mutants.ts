// Wrong implementations, one classic mistake each, built by breaking the correct ones in
// learner_code.ts, and (the "by category" ones below each exercise's first block) written
// from scratch the way a learner writes them. Each names the exercise, the mistake and the
// hint the grader must give. The learner code is in one file per exercise: gradcheck_code.ts
// (E0), linear_, activation_, loss_, batchnorm_, sgd_ and network_mutants.ts (E1 to E6).
import { exercises } from "../../src";
import type { ExerciseReport } from "../../src/exercises";
import type { Mistake } from "../../src/exercises/mistakes/catalogue";
import { LINEAR_MISTAKES } from "../../src/exercises/mistakes/linear";
import { SECOND_BACKWARD_MISTAKES } from "../../src/exercises/mistakes/layers";
import { SGD_MISTAKES } from "../../src/exercises/mistakes/sgd";
import { RELU_MISTAKES, SIGMOID_MISTAKES } from "../../src/exercises/mistakes/activations";
import { BATCHNORM_MISTAKES } from "../../src/exercises/mistakes/batchnorm";
import { MSE_GRAD_MISTAKES, MSE_LOSS_MISTAKES, SCE_GRAD_MISTAKES, SCE_LOSS_MISTAKES } from "../../src/exercises/mistakes/losses";
import {
  float32Copy,
  forwardDifferences,
  gradeLayerCheck,
  gradeNumeric,
  gradeRelative,
  meanRelativeError,
  noAbs,
  noAbsInDenominator,
  noFloor,
  notRestored,
  overAOnly,
  overH,
  restoredByArithmetic,
  tinyH,
} from "./gradcheck_code";
import { MaskReLU, OuterProductLinear, StableSigmoid, StagedBatchNorm, TwoPassSGD, logSoftmaxCrossEntropy, rowwiseMse } from "./learner_code";
import { FirstInputLinear } from "./linear_mutants";
import { AtZeroReLU, FirstOutputSigmoid, InPlaceReLU, RecomputingSigmoid } from "./activation_mutants";
import { noMaxShift, oneMaxForTheBatch } from "./loss_mutants";
import { AccumulatingBetaBatchNorm, RunningStatsBackwardBatchNorm } from "./batchnorm_mutants";
import { DecayAfterStepSGD } from "./sgd_mutants";
import { NETWORK_MUTANTS } from "./network_mutants";

export interface Mutant {
  exercise: "E0" | "E1" | "E2" | "E3" | "E4" | "E5" | "E6";
  mistake: string;
  grade: () => ExerciseReport;
  /** A hint of a failed check must match this. */
  hint: RegExp;
}

/** A hint matched exactly: the catalogue's own words. */
const exactly = (hint: string): RegExp => new RegExp("^" + hint.replace(/[.*+?^$(){}|[\]\\/]/g, "\\$&") + "$");

/** Every entry of a catalogue of mistakes, made in correct learner code written independently of the grader. */
function fromCatalogue<I>(
  catalogue: readonly Pick<Mistake<I, never, string, unknown>, "id" | "exercise" | "hint" | "wrong">[],
  correct: I,
  grade: (wrong: I) => ExerciseReport,
  exercise?: Mutant["exercise"],
): Mutant[] {
  return catalogue.map((m) => ({ exercise: exercise ?? m.exercise, mistake: m.id, grade: () => grade(m.wrong(correct)), hint: exactly(m.hint) }));
}

/** The catalogue's mistakes, each made in the correct code of learner_code.ts. */
export const CATALOGUE_MUTANTS: Mutant[] = [
  ...fromCatalogue(LINEAR_MISTAKES, OuterProductLinear, (L) => exercises.gradeLinear(L)),
  ...fromCatalogue(SECOND_BACKWARD_MISTAKES, OuterProductLinear, (L) => exercises.gradeLinear(L)),
  ...fromCatalogue(RELU_MISTAKES, MaskReLU, (R) => exercises.gradeReLU(R)),
  ...fromCatalogue(SIGMOID_MISTAKES, StableSigmoid, (S) => exercises.gradeSigmoid(S)),
  // An activation has no grads; its dX must still be built afresh on a second backward.
  ...fromCatalogue(
    SECOND_BACKWARD_MISTAKES.filter((m) => m.shows.includes("dX")),
    MaskReLU,
    (R) => exercises.gradeReLU(R),
    "E2",
  ),
  ...fromCatalogue(SCE_LOSS_MISTAKES, logSoftmaxCrossEntropy, (f) => exercises.gradeSoftmaxCrossEntropy(f)),
  ...fromCatalogue(SCE_GRAD_MISTAKES, logSoftmaxCrossEntropy, (f) => exercises.gradeSoftmaxCrossEntropy(f)),
  ...fromCatalogue(MSE_LOSS_MISTAKES, rowwiseMse, (f) => exercises.gradeMeanSquaredError(f)),
  ...fromCatalogue(MSE_GRAD_MISTAKES, rowwiseMse, (f) => exercises.gradeMeanSquaredError(f)),
  ...fromCatalogue(BATCHNORM_MISTAKES, StagedBatchNorm, (B) => exercises.gradeBatchNorm(B)),
  // dβ accumulated across backward calls while dγ is set: the layers catalogue's "grads accumulated".
  ...fromCatalogue(SECOND_BACKWARD_MISTAKES, StagedBatchNorm, (B) => exercises.gradeBatchNorm(B), "E4"),
  ...fromCatalogue(SGD_MISTAKES, TwoPassSGD, (S) => exercises.gradeSGD(S)),
];

export const MUTANTS: Mutant[] = [
  // ---- E0: the gradient checker (the learner code is in gradcheck_code.ts) ----
  { exercise: "E0", mistake: "forward differences", grade: gradeNumeric(forwardDifferences), hint: /forward differences.*O\(h\)/ },
  { exercise: "E0", mistake: "divided by h instead of 2h", grade: gradeNumeric(overH), hint: /divided by h instead of 2h/ },
  { exercise: "E0", mistake: "x[i] not restored", grade: gradeNumeric(notRestored), hint: /x\[i\] is not restored/ },
  { exercise: "E0", mistake: "x[i] restored by += h, −= 2h, += h", grade: gradeNumeric(restoredByArithmetic), hint: /drifts by round-off.*save the old value/ },
  { exercise: "E0", mistake: "perturbs a float32 copy of x", grade: gradeNumeric(float32Copy), hint: /round-off.*float32 copy/ },
  { exercise: "E0", mistake: "h = 1e-10", grade: gradeNumeric(tinyH), hint: /h is too small/ },
  { exercise: "E0", mistake: "relative error without abs", grade: gradeRelative(noAbs), hint: /no abs/ },
  { exercise: "E0", mistake: "relative error divided by |a| only", grade: gradeRelative(overAOnly), hint: /divided by \|a\| only/ },
  { exercise: "E0", mistake: "relative error averaged over entries", grade: gradeRelative(meanRelativeError), hint: /mean over entries hides one wrong entry/ },
  { exercise: "E0", mistake: "relative error without the tiny floor (0 / 0)", grade: gradeRelative(noFloor), hint: /0 \/ 0 is NaN/ },
  { exercise: "E0", mistake: "relative error with max(a, b) in the denominator", grade: gradeRelative(noAbsInDenominator), hint: /gradients can be negative/ },
  { exercise: "E0", mistake: "checkLayerDX with f = Σ y", grade: gradeLayerCheck("sum-y"), hint: /f = Σ y, not Σ y·R/ },
  { exercise: "E0", mistake: "checkLayerDX redraws R inside f", grade: gradeLayerCheck("redrawn-r"), hint: /draw R once, before f/ },
  {
    exercise: "E0",
    mistake: "checkLayerDX calls backward after the numeric gradient's forwards",
    grade: gradeLayerCheck("backward-last"),
    hint: /cache at the last perturbed x/,
  },
  { exercise: "E2", mistake: "ReLU overwrites its input", grade: () => exercises.gradeReLU(InPlaceReLU), hint: /new matrix/ },
  { exercise: "E3", mistake: "softmax without the max shift", grade: () => exercises.gradeSoftmaxCrossEntropy(noMaxShift), hint: /without the max shift/ },
  { exercise: "E1", mistake: "keeps the input of the first forward (??=)", grade: () => exercises.gradeLinear(FirstInputLinear), hint: /FIRST forward call/ },
  {
    exercise: "E2",
    mistake: "Sigmoid keeps the output of the first forward",
    grade: () => exercises.gradeSigmoid(FirstOutputSigmoid),
    hint: /FIRST forward call/,
  },
  {
    exercise: "E2",
    mistake: "Sigmoid backward recomputes σ'(x) from x (NaN at −1000)",
    grade: () => exercises.gradeSigmoid(RecomputingSigmoid),
    hint: /recomputed from the stored x overflows/,
  },
  { exercise: "E2", mistake: "ReLU passes the gradient at x = 0 (x ≥ 0)", grade: () => exercises.gradeReLU(AtZeroReLU), hint: /not x ≥ 0/ },
  {
    exercise: "E3",
    mistake: "one max for the whole batch",
    grade: () => exercises.gradeSoftmaxCrossEntropy(oneMaxForTheBatch),
    hint: /one max for the whole batch/,
  },
  {
    exercise: "E4",
    mistake: "dβ accumulates across backward calls",
    grade: () => exercises.gradeBatchNorm(AccumulatingBetaBatchNorm),
    hint: /doubled.*\(\+=\)/,
  },
  {
    exercise: "E4",
    mistake: "training backward with the running statistics",
    grade: () => exercises.gradeBatchNorm(RunningStatsBackwardBatchNorm),
    hint: /uses the running statistics/,
  },
  {
    exercise: "E5",
    mistake: "decay applied after the step, to the new w",
    grade: () => exercises.gradeSGD(DecayAfterStepSGD),
    hint: /decay is applied after the step/,
  },
  ...NETWORK_MUTANTS,
];
