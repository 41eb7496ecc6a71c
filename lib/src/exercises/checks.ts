// The calls a notebook's check cell makes: grade, print the whole report, then throw an
// ExerciseError naming the failed checks (so "Run All" and headless runs stop there).
import { Matrix } from "../tensor";
import { CheckOptions, announce, reportLog } from "./grader";
import { inNotebook } from "../notebook";
import { ExerciseError, ExerciseReport, formatReport, summaryLine } from "./report";
import { gradeLinear } from "./check_linear";
import { gradeReLU, gradeSigmoid } from "./check_activations";
import { gradeMeanSquaredError, gradeSoftmaxCrossEntropy } from "./check_losses";
import { gradeBatchNorm } from "./check_batchnorm";
import { gradeSGD } from "./check_sgd";
import { gradeDropout } from "./check_dropout";
import { gradeAdamW, gradeMomentum, gradeRMSProp } from "./check_update_rules";
import { SetupFunction, TrainFunction, gradeBatchNormClassifier, gradeCurveRegressor, gradeSpiralClassifier } from "./check_networks";
import { gradeBeforeTraining } from "./check_before_training";
import { GradientCheckTools, gradeGradientCheck } from "./check_gradcheck";
import type {
  ActivationClass,
  AdamWClass,
  BatchNormClass,
  DropoutClass,
  LinearClass,
  MomentumClass,
  MseFunction,
  MyLayers,
  RMSPropClass,
  SGDClass,
  SoftmaxCrossEntropyFunction,
} from "./learner_api";

/** E0: the learner's gradient checker (numericGradient, relativeError, checkLayerDX). */
export function checkGradientCheck(
  numericGradient: GradientCheckTools["numericGradient"],
  relativeError: GradientCheckTools["relativeError"],
  checkLayerDX: GradientCheckTools["checkLayerDX"],
  options?: CheckOptions,
): void {
  announce(gradeGradientCheck(numericGradient, relativeError, checkLayerDX, options), options);
}

/** E1: the learner's Linear (forward, dX, dW, db). */
export function checkLinear(Linear: LinearClass, options?: CheckOptions): void {
  announce(gradeLinear(Linear, options), options);
}

/** E2: the learner's ReLU. */
export function checkReLU(ReLU: ActivationClass, options?: CheckOptions): void {
  announce(gradeReLU(ReLU, options), options);
}

/** E2: the learner's Sigmoid. */
export function checkSigmoid(Sigmoid: ActivationClass, options?: CheckOptions): void {
  announce(gradeSigmoid(Sigmoid, options), options);
}

/** E3: the learner's softmax cross-entropy (loss, gradient, stability). */
export function checkSoftmaxCrossEntropy(fn: SoftmaxCrossEntropyFunction, options?: CheckOptions): void {
  announce(gradeSoftmaxCrossEntropy(fn, options), options);
}

/** E3: the learner's mean squared error (loss and gradient). */
export function checkMeanSquaredError(fn: MseFunction, options?: CheckOptions): void {
  announce(gradeMeanSquaredError(fn, options), options);
}

/** E4: the learner's BatchNorm1d (train/eval forward, running statistics, backward). */
export function checkBatchNorm(BatchNorm: BatchNormClass, options?: CheckOptions): void {
  announce(gradeBatchNorm(BatchNorm, options), options);
}

/** E5: the learner's SGD step with L2 weight decay on weights only. */
export function checkSGD(SGD: SGDClass, options?: CheckOptions): void {
  announce(gradeSGD(SGD, options), options);
}

/** E7: the learner's inverted Dropout (eval identity, scale, kept fraction, mask in backward, seed, p at the edges). */
export function checkDropout(Dropout: DropoutClass, options?: CheckOptions): void {
  announce(gradeDropout(Dropout, options), options);
}

/** E8: the learner's SGD with momentum, over several steps against nn.Momentum. */
export function checkMomentum(Momentum: MomentumClass, options?: CheckOptions): void {
  announce(gradeMomentum(Momentum, options), options);
}

/** E8: the learner's RMSProp, over several steps against nn.RMSProp. */
export function checkRMSProp(RMSProp: RMSPropClass, options?: CheckOptions): void {
  announce(gradeRMSProp(RMSProp, options), options);
}

/** E8: the learner's AdamW, over several steps against nn.Adam({ decoupled: true }). */
export function checkAdamW(AdamW: AdamWClass, options?: CheckOptions): void {
  announce(gradeAdamW(AdamW, options), options);
}

export interface NetworkCheckOptions extends CheckOptions {
  /** Show the learning curve and the fit after the report. Default: when in a notebook. */
  charts?: boolean;
}

/** E6, before training: the untrained spirals classifier's loss is ≈ ln 3, and it overfits 20 points. */
export function checkBeforeTraining(setup: SetupFunction<Int32Array>, mine: MyLayers, options: CheckOptions = {}): void {
  announce(gradeBeforeTraining(setup, mine), options);
}

/** E6: the learner's classifier on the spirals (≥ 0.95 validation accuracy), of their layers, loss and SGD. */
export function checkSpiralClassifier(train: TrainFunction<Int32Array>, mine: MyLayers, options: NetworkCheckOptions = {}): void {
  const report = gradeSpiralClassifier(train, mine);
  announce(report, options, () => (options.charts ?? inNotebook()) && report.showCharts());
}

/** E6: the same target with the learner's BatchNorm1d in the network. */
export function checkBatchNormClassifier(train: TrainFunction<Int32Array>, mine: MyLayers, options: NetworkCheckOptions = {}): void {
  const report = gradeBatchNormClassifier(train, mine);
  announce(report, options, () => (options.charts ?? inNotebook()) && report.showCharts());
}

/** E6: the learner's regressor on the noisy curve (validation MSE ≤ 2 × the noise floor), of their layers, loss and SGD. */
export function checkCurveRegressor(train: TrainFunction<Matrix>, mine: MyLayers, options: NetworkCheckOptions = {}): void {
  const report = gradeCurveRegressor(train, mine);
  announce(report, options, () => (options.charts ?? inNotebook()) && report.showCharts());
}

/**
 * Every check of E1–E5 at once: one line per exercise, the full report of each that
 * failed, then an ExerciseError naming them.
 */
export function checkAll(mine: MyLayers, options: CheckOptions = {}): void {
  const reports: ExerciseReport[] = [
    gradeLinear(mine.Linear, options),
    gradeReLU(mine.ReLU, options),
    gradeSigmoid(mine.Sigmoid, options),
    gradeSoftmaxCrossEntropy(mine.softmaxCrossEntropy, options),
    gradeMeanSquaredError(mine.meanSquaredError, options),
    gradeBatchNorm(mine.BatchNorm1d, options),
    gradeSGD(mine.SGD, options),
  ];
  const log = reportLog(options);
  for (const r of reports) {
    log?.(r.passed ? `✓ ${summaryLine(r)}` : formatReport(r));
    if (!r.passed) log?.("");
  }
  const failed = reports.filter((r) => !r.passed);
  if (failed.length > 0) throw new ExerciseError(combined(failed));
}

/** One report standing for several failed ones, so the error names each exercise and its stubs. */
function combined(reports: ExerciseReport[]): ExerciseReport {
  return {
    title: reports.map((r) => r.title).join(", "),
    cases: "",
    results: reports.flatMap((r) => r.results.filter((c) => !c.passed).map((c) => ({ ...c, name: `${r.title}: ${c.name}` }))),
    passed: false,
    seconds: reports.reduce((s, r) => s + r.seconds, 0),
  };
}
