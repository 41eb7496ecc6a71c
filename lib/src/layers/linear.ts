// Fully connected layer y = x·W + b with its hand-written backward.
import { DType, Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { Rng } from "../random";
import { InitName, initWeights } from "../init";
import { addRowVector, matmul, matmulTransA, matmulTransB, sumOverRows } from "../kernels";
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

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions) {
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
    const y = matmul(x, this.weight.value);
    return this.bias === null ? y : addRowVector(y, this.bias.value, y);
  }

  /** @param dOut (N, out) @returns dX = dOut·Wᵀ (N, in); sets dW = xᵀ·dOut, db = Σ_n dOut */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    const { x } = this.cache;
    matmulTransA(x, dOut, this.weight.grad);
    if (this.bias !== null) sumOverRows(dOut, this.bias.grad);
    return matmulTransB(dOut, this.weight.value);
  }

  params(): Param[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}
