// Wrong implementations, one classic mistake each, built by breaking the correct ones in
// learner_code.ts, and (the "by category" ones below each exercise's first block) written
// from scratch the way a learner writes them. Each names the exercise, the mistake and the
// hint the grader must give.
import { DType, ForwardOptions, LossAndGrad, Matrix, Param, Rng, StateBuffer, exercises, makeParam } from "../../src";
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

// ---- Not catalogue-shaped: a forward that overwrites its input, a softmax without the max shift (named by the stability check's fallback) ----
class InPlaceReLU extends MaskReLU {
  override forward(x: Matrix, options: ForwardOptions): Matrix {
    const y = super.forward(x, options);
    x.data.set(y.data);
    return x;
  }
}
function noMaxShift(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const grad = new Matrix(n, logits.cols, logits.dtype);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = Array.from(logits.row(i), Math.exp);
    const sum = e.reduce((s, v) => s + v, 0);
    loss -= Math.log(e[labels[i]] / sum) / n;
    e.forEach((v, j) => grad.set(i, j, (v / sum - (j === labels[i] ? 1 : 0)) / n));
  }
  return { loss, grad };
}

// ---- Written from scratch as a learner would, one mistake of a category each: the catalogue
// makes these mistakes in correct code; these are the issue's own reproductions, kept as
// independent learner code (their NaN and Infinity differ from the catalogue's) ----

/** A plain-loop Linear that remembers only the input of its FIRST forward call. */
class FirstInputLinear {
  readonly label = "Linear";
  readonly weight: Param;
  readonly bias: Param;
  private x?: Matrix;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    _rng: Rng,
    dtype: DType,
  ) {
    this.weight = makeParam("weight", Matrix.zeros(inFeatures, outFeatures, dtype), true);
    this.bias = makeParam("bias", Matrix.zeros(1, outFeatures, dtype), false);
  }

  forward(x: Matrix, _options: ForwardOptions): Matrix {
    this.x ??= x; // the mistake: kept from the first call only
    const y = new Matrix(x.rows, this.outFeatures, x.dtype);
    for (let n = 0; n < x.rows; n++) {
      for (let j = 0; j < this.outFeatures; j++) {
        let s = this.bias.value.get(0, j);
        for (let k = 0; k < this.inFeatures; k++) s += x.get(n, k) * this.weight.value.get(k, j);
        y.set(n, j, s);
      }
    }
    return y;
  }

  backward(dOut: Matrix): Matrix {
    const x = this.x!;
    const dX = new Matrix(dOut.rows, this.inFeatures, dOut.dtype);
    for (let k = 0; k < this.inFeatures; k++) {
      for (let j = 0; j < this.outFeatures; j++) {
        let s = 0;
        for (let n = 0; n < dOut.rows; n++) s += x.get(n, k) * dOut.get(n, j);
        this.weight.grad.set(k, j, s);
      }
    }
    for (let j = 0; j < this.outFeatures; j++) {
      let s = 0;
      for (let n = 0; n < dOut.rows; n++) s += dOut.get(n, j);
      this.bias.grad.set(0, j, s);
    }
    for (let n = 0; n < dOut.rows; n++) {
      for (let k = 0; k < this.inFeatures; k++) {
        let s = 0;
        for (let j = 0; j < this.outFeatures; j++) s += dOut.get(n, j) * this.weight.value.get(k, j);
        dX.set(n, k, s);
      }
    }
    return dX;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

/** A Sigmoid that keeps the output of its FIRST forward call for every backward. */
class FirstOutputSigmoid {
  readonly label = "Sigmoid";
  private y: Matrix | null = null;
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const y = new Matrix(x.rows, x.cols, x.dtype);
    for (let i = 0; i < x.data.length; i++) y.data[i] = 1 / (1 + Math.exp(-x.data[i]));
    if (this.y === null) this.y = y; // the mistake
    return y;
  }
  backward(dOut: Matrix): Matrix {
    const dX = new Matrix(dOut.rows, dOut.cols, dOut.dtype);
    for (let i = 0; i < dOut.data.length; i++) dX.data[i] = dOut.data[i] * this.y!.data[i] * (1 - this.y!.data[i]);
    return dX;
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}

/** A Sigmoid whose backward recomputes σ'(x) = e^(−x)/(1 + e^(−x))² from the stored x. */
class RecomputingSigmoid {
  readonly label = "Sigmoid";
  private x: Matrix | null = null;
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    this.x = x.clone();
    const y = new Matrix(x.rows, x.cols, x.dtype);
    for (let i = 0; i < x.data.length; i++) y.data[i] = 1 / (1 + Math.exp(-x.data[i]));
    return y;
  }
  backward(dOut: Matrix): Matrix {
    const dX = new Matrix(dOut.rows, dOut.cols, dOut.dtype);
    for (let i = 0; i < dOut.data.length; i++) {
      const e = Math.exp(-this.x!.data[i]);
      dX.data[i] = (dOut.data[i] * e) / (1 + e) ** 2; // NaN at x = −1000
    }
    return dX;
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}

/** A ReLU whose backward passes the gradient at x = 0 too (mask x ≥ 0). */
class AtZeroReLU {
  readonly label = "ReLU";
  private x: Matrix | null = null;
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    this.x = x.clone();
    return new Matrix(
      x.rows,
      x.cols,
      Float64Array.from(x.data, (v) => Math.max(v, 0)),
    );
  }
  backward(dOut: Matrix): Matrix {
    return new Matrix(
      dOut.rows,
      dOut.cols,
      Float64Array.from(dOut.data, (g, i) => (this.x!.data[i] >= 0 ? g : 0)),
    );
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}

/** Softmax cross-entropy shifted by one max for the whole batch. */
function oneMaxForTheBatch(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const max = Math.max(...logits.data); // the mistake: one max, not each row's
  const grad = new Matrix(n, logits.cols, logits.dtype);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = Array.from(logits.row(i), (z) => Math.exp(z - max));
    const sum = e.reduce((s, v) => s + v, 0);
    loss += (Math.log(sum) - (logits.get(i, labels[i]) - max)) / n; // log-sum-exp, as taught
    e.forEach((v, j) => grad.set(i, j, (v / sum - (j === labels[i] ? 1 : 0)) / n));
  }
  return { loss, grad };
}

/** A plain BatchNorm with the compact backward; each mutant below rewrites one part of it. */
class PlainBatchNorm {
  readonly label = "BatchNorm1d";
  readonly momentum: number;
  readonly eps: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: StateBuffer;
  readonly runningVar: StateBuffer;
  protected x: Matrix | null = null;
  protected xHat: Matrix | null = null;
  protected invStd: number[] = [];
  protected training = true;

  constructor(
    readonly numFeatures: number,
    options: { momentum?: number; eps?: number; dtype?: DType } = {},
  ) {
    const dtype = options.dtype ?? "float64";
    this.momentum = options.momentum ?? 0.9;
    this.eps = options.eps ?? 1e-5;
    this.gamma = makeParam("gamma", new Matrix(1, numFeatures, new Float64Array(numFeatures).fill(1)), false);
    this.beta = makeParam("beta", Matrix.zeros(1, numFeatures, dtype), false);
    this.runningMean = { name: "running_mean", value: Matrix.zeros(1, numFeatures, dtype) };
    this.runningVar = { name: "running_var", value: new Matrix(1, numFeatures, new Float64Array(numFeatures).fill(1)) };
  }

  forward(x: Matrix, options: ForwardOptions): Matrix {
    const { rows: n, cols: d } = x;
    const mean = new Array<number>(d).fill(0);
    const variance = new Array<number>(d).fill(0);
    for (let j = 0; j < d; j++) {
      if (options.training) {
        for (let i = 0; i < n; i++) mean[j] += x.get(i, j) / n;
        for (let i = 0; i < n; i++) variance[j] += (x.get(i, j) - mean[j]) ** 2 / n;
        this.runningMean.value.data[j] = this.momentum * this.runningMean.value.data[j] + (1 - this.momentum) * mean[j];
        this.runningVar.value.data[j] = this.momentum * this.runningVar.value.data[j] + (1 - this.momentum) * variance[j];
      } else {
        mean[j] = this.runningMean.value.data[j];
        variance[j] = this.runningVar.value.data[j];
      }
    }
    this.x = x.clone();
    this.training = options.training;
    this.invStd = variance.map((v) => 1 / Math.sqrt(v + this.eps));
    const xHat = (this.xHat = new Matrix(n, d, x.dtype));
    const y = new Matrix(n, d, x.dtype);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        xHat.set(i, j, (x.get(i, j) - mean[j]) * this.invStd[j]);
        y.set(i, j, this.gamma.value.data[j] * xHat.get(i, j) + this.beta.value.data[j]);
      }
    }
    return y;
  }

  /** dX = γ·invStd/N·(N·dOut − Σ dOut − x̂·Σ dOut·x̂) in training, dOut·γ·invStd in eval. */
  protected dX(dOut: Matrix, xHat: Matrix, invStd: number[]): Matrix {
    const { rows: n, cols: d } = dOut;
    const dX = new Matrix(n, d, dOut.dtype);
    for (let j = 0; j < d; j++) {
      let sum = 0;
      let sumXHat = 0;
      for (let i = 0; i < n; i++) {
        sum += dOut.get(i, j);
        sumXHat += dOut.get(i, j) * xHat.get(i, j);
      }
      for (let i = 0; i < n; i++) {
        const g = this.gamma.value.data[j] * invStd[j];
        dX.set(i, j, this.training ? (g / n) * (n * dOut.get(i, j) - sum - xHat.get(i, j) * sumXHat) : g * dOut.get(i, j));
      }
    }
    return dX;
  }

  backward(dOut: Matrix): Matrix {
    for (let j = 0; j < dOut.cols; j++) {
      this.gamma.grad.data[j] = 0;
      this.beta.grad.data[j] = 0;
      for (let i = 0; i < dOut.rows; i++) {
        this.gamma.grad.data[j] += dOut.get(i, j) * this.xHat!.get(i, j);
        this.beta.grad.data[j] += dOut.get(i, j);
      }
    }
    return this.dX(dOut, this.xHat!, this.invStd);
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  buffers(): StateBuffer[] {
    return [this.runningMean, this.runningVar];
  }
}

/** dβ accumulates across backward calls (dγ is reset): only a check of every grad sees it. */
class AccumulatingBetaBatchNorm extends PlainBatchNorm {
  override backward(dOut: Matrix): Matrix {
    for (let j = 0; j < dOut.cols; j++) {
      this.gamma.grad.data[j] = 0;
      for (let i = 0; i < dOut.rows; i++) {
        this.gamma.grad.data[j] += dOut.get(i, j) * this.xHat!.get(i, j);
        this.beta.grad.data[j] += dOut.get(i, j); // the mistake: never reset
      }
    }
    return this.dX(dOut, this.xHat!, this.invStd);
  }
}

/** Training backward that normalises with the running statistics. */
class RunningStatsBackwardBatchNorm extends PlainBatchNorm {
  override backward(dOut: Matrix): Matrix {
    const x = this.x!;
    const invStd = Array.from(this.runningVar.value.data, (v) => 1 / Math.sqrt(v + this.eps));
    const xHat = new Matrix(x.rows, x.cols, x.dtype);
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) xHat.set(i, j, (x.get(i, j) - this.runningMean.value.data[j]) * invStd[j]);
    for (let j = 0; j < dOut.cols; j++) {
      this.gamma.grad.data[j] = 0;
      this.beta.grad.data[j] = 0;
      for (let i = 0; i < dOut.rows; i++) {
        this.gamma.grad.data[j] += dOut.get(i, j) * xHat.get(i, j);
        this.beta.grad.data[j] += dOut.get(i, j);
      }
    }
    return this.dX(dOut, xHat, invStd);
  }
}

/** SGD that takes the gradient step, then shrinks the NEW w. */
class DecayAfterStepSGD {
  readonly lr: number;
  readonly weightDecay: number;
  constructor(options: { lr: number; weightDecay?: number }) {
    this.lr = options.lr;
    this.weightDecay = options.weightDecay ?? 0;
  }
  step(params: readonly Param[]): void {
    for (const p of params) {
      for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= this.lr * p.grad.data[i];
      if (p.decay) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= this.lr * this.weightDecay * p.value.data[i];
    }
  }
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
