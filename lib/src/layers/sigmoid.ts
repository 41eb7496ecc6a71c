// Sigmoid activation. Keeps its output y, since σ'(x) = y·(1 − y).
import { Matrix, keptOutputFor } from "../tensor";
import { sigmoid, sigmoidBackward } from "../kernels";
import { Layer, Param, StateBuffer, ForwardOptions, noForwardError } from "./layer";

export class Sigmoid implements Layer {
  readonly label = "Sigmoid";
  private cache: { y: Matrix } | null = null;
  private out: Matrix | null = null;
  private dX: Matrix | null = null;

  /** @param x (N, D) @returns σ(x) (N, D) */
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const y = sigmoid(x, (this.out = keptOutputFor(this.out, x.rows, x.cols, x.dtype)));
    this.cache = { y };
    return y;
  }

  /** @param dOut (N, D) @returns dX = dOut · y · (1 − y) (N, D) */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    return sigmoidBackward(dOut, this.cache.y, (this.dX = keptOutputFor(this.dX, dOut.rows, dOut.cols, dOut.dtype)));
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}
