// Correct learner implementations written differently from the exercise notebooks'
// answer keys (which use get/set loops and BatchNorm's compact backward): Linear by rows
// and outer products, a stored mask for ReLU, a branching stable sigmoid, log-softmax for
// cross-entropy, BatchNorm backward through the full staged chain rule, a two-pass SGD.
// The grader must accept all of them; test/support/mutants.ts breaks them one way each.
// KernelLinear is correct too but hands the work to the engine's kernels, which E1 does not
// allow (the grader says so); E6 tests use it as a fast layer of the learner's own.
import { DType, ForwardOptions, InitName, LossAndGrad, Matrix, Param, Rng, StateBuffer, initWeights, kernels, makeParam, Optimizer } from "../../src";

/** Linear on the raw .data arrays: y row by row, dW as a sum of per-sample outer products, dX from W's rows. */
export class OuterProductLinear {
  readonly label: string;
  readonly weight: Param;
  readonly bias: Param;
  protected x: Matrix | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng = new Rng(0),
    dtype: DType = "float64",
    init: InitName = "he",
  ) {
    this.label = `Linear(${inFeatures} → ${outFeatures})`;
    this.weight = makeParam("weight", initWeights(init, inFeatures, outFeatures, rng, dtype), true);
    this.bias = makeParam("bias", Matrix.zeros(1, outFeatures, dtype), false);
  }

  forward(x: Matrix, _options: ForwardOptions): Matrix {
    this.x = x;
    const W = this.weight.value.data;
    const y = new Matrix(x.rows, this.outFeatures, x.dtype);
    for (let n = 0; n < x.rows; n++) {
      const row = x.row(n);
      const out = this.bias.value.data.slice();
      row.forEach((v, k) => out.forEach((_, j) => (out[j] += v * W[k * this.outFeatures + j])));
      y.data.set(out, n * this.outFeatures);
    }
    return y;
  }

  backward(dOut: Matrix): Matrix {
    if (this.x === null) throw new Error("backward before forward");
    const x = this.x;
    const [I, O] = [this.inFeatures, this.outFeatures];
    const dW = this.weight.grad.data;
    const db = this.bias.grad.data;
    dW.fill(0);
    db.fill(0);
    const dX = new Matrix(x.rows, I, dOut.dtype);
    for (let n = 0; n < x.rows; n++) {
      for (let j = 0; j < O; j++) {
        const g = dOut.data[n * O + j];
        db[j] += g;
        for (let k = 0; k < I; k++) {
          dW[k * O + j] += x.data[n * I + k] * g;
          dX.data[n * I + k] += g * this.weight.value.data[k * O + j];
        }
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

/** Correct, but written with the engine's kernels: E1 refuses it ("written by hand"). */
export class KernelLinear {
  readonly label: string;
  readonly weight: Param;
  readonly bias: Param;
  protected x: Matrix | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng = new Rng(0),
    dtype: DType = "float64",
    init: InitName = "he",
  ) {
    this.label = `Linear(${inFeatures} → ${outFeatures})`;
    this.weight = makeParam("weight", initWeights(init, inFeatures, outFeatures, rng, dtype), true);
    this.bias = makeParam("bias", Matrix.zeros(1, outFeatures, dtype), false);
  }

  forward(x: Matrix, _options: ForwardOptions): Matrix {
    this.x = x;
    const y = new Matrix(x.rows, this.outFeatures, x.dtype);
    kernels.fillRows(y, this.bias.value);
    return kernels.gemm(x, this.weight.value, false, false, y, 1);
  }

  backward(dOut: Matrix): Matrix {
    if (this.x === null) throw new Error("backward before forward");
    kernels.matmulTransA(this.x, dOut, this.weight.grad);
    kernels.sumOverRows(dOut, this.bias.grad);
    return kernels.matmulTransB(dOut, this.weight.value, new Matrix(dOut.rows, this.inFeatures, dOut.dtype));
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

export class MaskReLU {
  readonly label = "ReLU";
  protected mask: Uint8Array | null = null;

  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const mask = (this.mask = new Uint8Array(x.data.length));
    const y = new Matrix(x.rows, x.cols, x.dtype);
    for (let i = 0; i < mask.length; i++) {
      mask[i] = x.data[i] > 0 ? 1 : 0;
      y.data[i] = mask[i] * x.data[i];
    }
    return y;
  }

  backward(dOut: Matrix): Matrix {
    const mask = this.mask!;
    const dX = new Matrix(dOut.rows, dOut.cols, dOut.dtype);
    for (let i = 0; i < mask.length; i++) dX.data[i] = mask[i] * dOut.data[i];
    return dX;
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

/** σ(x) by cases, so no exponential overflows: e^x/(1 + e^x) for x < 0, 1/(1 + e^(−x)) otherwise. */
export class StableSigmoid {
  readonly label = "Sigmoid";
  protected y: Matrix | null = null;

  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const y = new Matrix(x.rows, x.cols, x.dtype);
    x.data.forEach((v, i) => {
      y.data[i] = v < 0 ? Math.exp(v) / (1 + Math.exp(v)) : 1 / (1 + Math.exp(-v));
    });
    this.y = y;
    return y;
  }

  backward(dOut: Matrix): Matrix {
    const y = this.y!;
    // σ'(x) from the stored output, y·(1 − y), rather than recomputed from x.
    return new Matrix(
      dOut.rows,
      dOut.cols,
      Float64Array.from(dOut.data, (g, i) => g * y.data[i] * (1 - y.data[i])),
    );
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

/** Log-softmax per row (shifted by the max), loss = −mean log p[y], grad from exp(log p). */
export function logSoftmaxCrossEntropy(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const logP = new Matrix(n, logits.cols, logits.dtype);
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.row(i));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
    row.forEach((z, j) => logP.set(i, j, z - lse));
  }
  let loss = 0;
  const grad = new Matrix(n, logits.cols, logits.dtype);
  for (let i = 0; i < n; i++) {
    loss -= logP.get(i, labels[i]) / n;
    for (let j = 0; j < logits.cols; j++) grad.set(i, j, (Math.exp(logP.get(i, j)) - (j === labels[i] ? 1 : 0)) / n);
  }
  return { loss, grad };
}

export function rowwiseMse(pred: Matrix, target: Matrix): LossAndGrad {
  const count = pred.rows * pred.cols;
  const grad = new Matrix(pred.rows, pred.cols, pred.dtype);
  let loss = 0;
  for (let i = 0; i < pred.rows; i++) {
    for (let j = 0; j < pred.cols; j++) {
      const d = pred.get(i, j) - target.get(i, j);
      loss += (d * d) / count;
      grad.set(i, j, (2 / count) * d);
    }
  }
  return { loss, grad };
}

/** BatchNorm with CS231n's staged backward: x̂ through σ² and μ one step at a time. */
export class StagedBatchNorm {
  readonly label: string;
  readonly momentum: number;
  readonly eps: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: StateBuffer;
  readonly runningVar: StateBuffer;
  protected cache: { x: Matrix; mean: number[]; variance: number[]; training: boolean } | null = null;

  constructor(
    readonly numFeatures: number,
    options: { momentum?: number; eps?: number; dtype?: DType } = {},
  ) {
    const dtype = options.dtype ?? "float64";
    this.momentum = options.momentum ?? 0.9;
    this.eps = options.eps ?? 1e-5;
    this.label = `BatchNorm1d(${numFeatures})`;
    this.gamma = makeParam("gamma", Matrix.zeros(1, numFeatures, dtype), false);
    this.gamma.value.data.fill(1);
    this.beta = makeParam("beta", Matrix.zeros(1, numFeatures, dtype), false);
    this.runningMean = { name: "running_mean", value: Matrix.zeros(1, numFeatures, dtype) };
    this.runningVar = { name: "running_var", value: Matrix.zeros(1, numFeatures, dtype) };
    this.runningVar.value.data.fill(1);
  }

  /** Batch statistics (biased variance). */
  protected stats(x: Matrix): { mean: number[]; variance: number[] } {
    const mean = Array.from({ length: x.cols }, (_, j) => columnOf(x, j).reduce((s, v) => s + v, 0) / x.rows);
    const variance = mean.map((m, j) => columnOf(x, j).reduce((s, v) => s + (v - m) ** 2, 0) / x.rows);
    return { mean, variance };
  }

  protected updateRunning(mean: number[], variance: number[]): void {
    const m = this.momentum;
    mean.forEach((v, j) => (this.runningMean.value.data[j] = m * this.runningMean.value.data[j] + (1 - m) * v));
    variance.forEach((v, j) => (this.runningVar.value.data[j] = m * this.runningVar.value.data[j] + (1 - m) * v));
  }

  forward(x: Matrix, options: ForwardOptions): Matrix {
    let mean = Array.from(this.runningMean.value.data);
    let variance = Array.from(this.runningVar.value.data);
    if (options.training) {
      ({ mean, variance } = this.stats(x));
      this.updateRunning(mean, variance);
    }
    this.cache = { x, mean, variance, training: options.training };
    const y = new Matrix(x.rows, x.cols, x.dtype);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++)
        y.set(i, j, (this.gamma.value.data[j] * (x.get(i, j) - mean[j])) / Math.sqrt(variance[j] + this.eps) + this.beta.value.data[j]);
    }
    return y;
  }

  backward(dOut: Matrix): Matrix {
    const { x, mean, variance, training } = this.cache!;
    const n = x.rows;
    const dX = new Matrix(n, x.cols, dOut.dtype);
    for (let j = 0; j < x.cols; j++) {
      const std = Math.sqrt(variance[j] + this.eps);
      const xc = columnOf(x, j).map((v) => v - mean[j]);
      const g = columnOf(dOut, j);
      this.beta.grad.data[j] = g.reduce((s, v) => s + v, 0);
      this.gamma.grad.data[j] = g.reduce((s, v, i) => s + (v * xc[i]) / std, 0);
      const dxHat = g.map((v) => v * this.gamma.value.data[j]);
      if (!training) {
        dxHat.forEach((v, i) => dX.set(i, j, v / std));
        continue;
      }
      // x̂ = xc / std, std = √(σ² + eps), σ² = Σ xc²/N, xc = x − μ, μ = Σ x/N.
      const dStd = -dxHat.reduce((s, v, i) => s + (v * xc[i]) / (std * std), 0);
      const dVar = dStd / (2 * std);
      const dXc = dxHat.map((v, i) => v / std + (2 * xc[i] * dVar) / n);
      const dMean = -dXc.reduce((s, v) => s + v, 0);
      dXc.forEach((v, i) => dX.set(i, j, v + dMean / n));
    }
    return dX;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  buffers(): StateBuffer[] {
    return [this.runningMean, this.runningVar];
  }
}

/** SGD in two passes: first the decayed gradient, then the update. */
export class TwoPassSGD implements Optimizer {
  readonly lr: number;
  readonly weightDecay: number;

  constructor(options: { lr: number; weightDecay?: number }) {
    this.lr = options.lr;
    this.weightDecay = options.weightDecay ?? 0;
  }

  step(params: readonly Param[]): void {
    for (const p of params) {
      const total = Float64Array.from(p.grad.data, (g, i) => g + (p.decay ? this.weightDecay * p.value.data[i] : 0));
      total.forEach((g, i) => (p.value.data[i] -= this.lr * g));
    }
  }
}

export function columnOf(m: Matrix, j: number): number[] {
  return Array.from({ length: m.rows }, (_, i) => m.get(i, j));
}
