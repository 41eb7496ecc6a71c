// Fully connected layer y = x·W + b with its hand-written backward.
import { DType, Matrix, keptOutputFor } from "../tensor";
import { ShapeError } from "../errors";
import { Rng } from "../random";
import { InitName, initWeights } from "../init";
import { fillRows, gemm, matmulTransA, matmulTransB, sumOverRows } from "../kernels";
import { Layer, Param, StateBuffer, ForwardOptions, makeParam, noForwardError } from "./layer";

export interface LinearOptions {
  /** Weight initialisation; biases start at 0. */
  init: InitName;
  rng: Rng;
  dtype?: DType;
  /** Prefix of the param names, e.g. "fc0" gives "fc0.weight" and "fc0.bias". */
  name?: string;
  /**
   * Learn a bias. Default true. Turn it off before a BatchNorm, which subtracts the
   * batch mean (so a bias there gets a zero gradient) and adds its own shift β.
   */
  bias?: boolean;
}

export class Linear implements Layer {
  readonly label: string;
  /** W (inFeatures, outFeatures), L2-decayed. */
  readonly weight: Param;
  /** b (1, outFeatures), not decayed; null when built with bias: false. */
  readonly bias: Param | null;
  private cache: { x: Matrix } | null = null;
  private out: Matrix | null = null;
  private dX: Matrix | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions,
  ) {
    const dtype = options.dtype ?? "float32";
    const name = options.name ?? "linear";
    this.label = `Linear(${inFeatures} → ${outFeatures})`;
    this.weight = makeParam(`${name}.weight`, initWeights(options.init, inFeatures, outFeatures, options.rng, dtype), true);
    this.bias = options.bias === false ? null : makeParam(`${name}.bias`, new Matrix(1, outFeatures, dtype), false);
  }

  /** @param x (N, in) @returns y = x·W + b, (N, out) */
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    if (x.cols !== this.inFeatures) {
      throw new ShapeError(`${this.label} expects inputs with ${this.inFeatures} columns, got ${x.shape}`);
    }
    this.cache = { x };
    const y = (this.out = keptOutputFor(this.out, x.rows, this.outFeatures, x.dtype));
    if (this.bias === null) return gemm(x, this.weight.value, false, false, y);
    // Start from the bias in every row and let gemm add x·W to it (beta = 1): one pass fewer.
    fillRows(y, this.bias.value);
    return gemm(x, this.weight.value, false, false, y, 1);
  }

  /** @param dOut (N, out) @returns dX = dOut·Wᵀ (N, in); sets dW = xᵀ·dOut, db = Σ_n dOut */
  backward(dOut: Matrix): Matrix {
    this.backwardParams(dOut);
    this.dX = keptOutputFor(this.dX, dOut.rows, this.inFeatures, dOut.dtype);
    return matmulTransB(dOut, this.weight.value, this.dX);
  }

  /** dW and db without dX: saves a third of this layer's backward work when dX is unused. */
  backwardParams(dOut: Matrix): void {
    if (this.cache === null) throw noForwardError(this.label);
    matmulTransA(this.cache.x, dOut, this.weight.grad);
    if (this.bias !== null) sumOverRows(dOut, this.bias.grad);
  }

  params(): Param[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}
