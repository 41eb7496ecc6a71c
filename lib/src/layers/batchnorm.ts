// Batch normalisation over the features of a (N, D) batch, with learnable scale γ and
// shift β, and running statistics for evaluation. Forward and backward by hand.
import { DType, Matrix, keptOutputFor } from "../tensor";
import { ConfigError, ShapeError } from "../errors";
import { columnMeanVariance, normalizeColumns, normalizeColumnsBackward } from "../kernels";
import { Layer, Param, StateBuffer, ForwardOptions, makeParam, noForwardError } from "./layer";

export interface BatchNormOptions {
  /**
   * Weight of the old running statistic: running := momentum·running + (1 − momentum)·batch
   * (the cs231n / Keras convention; PyTorch's momentum=0.1 is this with 0.9). Default 0.9.
   */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  dtype?: DType;
  /** Prefix of the param names, e.g. "bn0". */
  name?: string;
}

export class BatchNorm1d implements Layer {
  readonly label: string;
  readonly momentum: number;
  readonly eps: number;
  /** γ (1, D), starts at 1. Not decayed. */
  readonly gamma: Param;
  /** β (1, D), starts at 0. Not decayed. */
  readonly beta: Param;
  /** Running mean (1, D), starts at 0; used in eval mode. */
  readonly runningMean: StateBuffer;
  /** Running (biased) variance (1, D), starts at 1; used in eval mode. */
  readonly runningVar: StateBuffer;
  private cache: { xHat: Matrix; invStd: Matrix; training: boolean } | null = null;
  private invStd: Matrix | null = null;
  private xHat: Matrix | null = null;
  private out: Matrix | null = null;
  private dX: Matrix | null = null;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    const dtype = options.dtype ?? "float32";
    const name = options.name ?? "batchnorm";
    this.momentum = options.momentum ?? 0.9;
    this.eps = options.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new ConfigError(`BatchNorm momentum must be a number in [0, 1) (got ${this.momentum})`);
    }
    if (!(this.eps > 0 && Number.isFinite(this.eps))) {
      throw new ConfigError(`BatchNorm eps must be a finite number > 0 (got ${this.eps})`);
    }
    this.label = `BatchNorm1d(${numFeatures})`;
    const ones = new Matrix(1, numFeatures, dtype);
    ones.data.fill(1);
    this.gamma = makeParam(`${name}.gamma`, ones, false);
    this.beta = makeParam(`${name}.beta`, new Matrix(1, numFeatures, dtype), false);
    this.runningMean = { name: `${name}.running_mean`, value: new Matrix(1, numFeatures, dtype) };
    this.runningVar = { name: `${name}.running_var`, value: ones.clone() };
  }

  /**
   * Training: normalise with the batch mean/variance and update the running statistics.
   * Eval: normalise with the running statistics.
   * @param x (N, D) @returns y = γ·x̂ + β (N, D)
   */
  forward(x: Matrix, options: ForwardOptions): Matrix {
    const d = this.numFeatures;
    if (x.cols !== d) throw new ShapeError(`${this.label} expects inputs with ${d} columns, got ${x.shape}`);
    let mean: Matrix;
    let variance: Matrix;
    if (options.training) {
      if (x.rows < 2) {
        throw new ShapeError(`${this.label} in training mode needs a batch of at least 2 rows to estimate a variance (got ${x.rows})`);
      }
      ({ mean, variance } = columnMeanVariance(x));
      const m = this.momentum;
      const RM = this.runningMean.value.data;
      const RV = this.runningVar.value.data;
      for (let j = 0; j < d; j++) {
        RM[j] = m * RM[j] + (1 - m) * mean.data[j];
        RV[j] = m * RV[j] + (1 - m) * variance.data[j];
      }
    } else {
      mean = this.runningMean.value;
      variance = this.runningVar.value;
    }
    const invStd = (this.invStd = keptOutputFor(this.invStd, 1, d, x.dtype));
    for (let j = 0; j < d; j++) invStd.data[j] = 1 / Math.sqrt(variance.data[j] + this.eps);
    const xHat = (this.xHat = keptOutputFor(this.xHat, x.rows, d, x.dtype));
    const y = (this.out = keptOutputFor(this.out, x.rows, d, x.dtype));
    // x̂ = (x − mean)·invStd, y = γ·x̂ + β
    normalizeColumns(x, mean, invStd, this.gamma.value, this.beta.value, xHat, y);
    this.cache = { xHat, invStd, training: options.training };
    return y;
  }

  /**
   * @param dOut (N, D)
   * @returns dX (N, D); sets dγ = Σ_n dOut·x̂ and dβ = Σ_n dOut.
   * Training mode (the mean and variance depend on x):
   *   dX = γ·invStd/N · (N·dOut − dβ − x̂·dγ)
   * Eval mode (fixed statistics): dX = dOut·γ·invStd.
   */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    const { xHat, invStd, training } = this.cache;
    if (dOut.rows !== xHat.rows || dOut.cols !== this.numFeatures) {
      throw new ShapeError(`${this.label} backward: dOut ${dOut.shape} does not match the forward output ${xHat.shape}`);
    }
    const dx = (this.dX = keptOutputFor(this.dX, dOut.rows, dOut.cols, dOut.dtype));
    normalizeColumnsBackward(dOut, xHat, this.gamma.value, invStd, training, this.gamma.grad, this.beta.grad, dx);
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  buffers(): StateBuffer[] {
    return [this.runningMean, this.runningVar];
  }
}
