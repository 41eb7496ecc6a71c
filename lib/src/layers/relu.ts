// ReLU activation. Keeps only its output: y > 0 is exactly the mask backward needs.
import { Matrix, keptOutputFor } from "../tensor";
import { relu, reluBackward } from "../kernels";
import { Layer, Param, StateBuffer, ForwardOptions, noForwardError } from "./layer";

export interface ReLUOptions {
  /**
   * Overwrite the input in forward and dOut in backward instead of writing new
   * matrices (PyTorch's inplace=True). Only for use inside a network where nothing
   * else reads them afterwards, as the models here do. Default false.
   */
  inPlace?: boolean;
}

export class ReLU implements Layer {
  readonly label = "ReLU";
  readonly inPlace: boolean;
  private cache: { y: Matrix } | null = null;
  private out: Matrix | null = null;
  private dX: Matrix | null = null;

  constructor(options: ReLUOptions = {}) {
    this.inPlace = options.inPlace ?? false;
  }

  /** @param x (N, D) @returns max(x, 0) (N, D) */
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const y = this.inPlace ? x : (this.out = keptOutputFor(this.out, x.rows, x.cols, x.dtype));
    relu(x, y);
    this.cache = { y };
    return y;
  }

  /** @param dOut (N, D) @returns dX (N, D), dOut where x > 0 else 0 */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    const dx = this.inPlace ? dOut : (this.dX = keptOutputFor(this.dX, dOut.rows, dOut.cols, dOut.dtype));
    return reluBackward(dOut, this.cache.y, dx);
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}
