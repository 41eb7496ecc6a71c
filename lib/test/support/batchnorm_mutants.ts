// E4's wrong BatchNorms for mutants.ts: one mistake of a category each, written from scratch the
// way a learner writes it. The catalogue makes these mistakes in correct code; these are the
// issue's own reproductions, kept as independent learner code.
import { DType, ForwardOptions, Matrix, Param, StateBuffer, makeParam } from "../../src";

/** A plain BatchNorm with the compact backward; each mutant below rewrites one part of it. */
export class PlainBatchNorm {
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
export class AccumulatingBetaBatchNorm extends PlainBatchNorm {
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
export class RunningStatsBackwardBatchNorm extends PlainBatchNorm {
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
