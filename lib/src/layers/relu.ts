// ReLU activation. Keeps only its output: y > 0 is exactly the mask backward needs.
import { Matrix } from "../tensor";
import { relu, reluBackward } from "../kernels";
import { Layer, Param, StateBuffer, ForwardOptions, noForwardError } from "./layer";

export class ReLU implements Layer {
  readonly label = "ReLU";
  private cache: { y: Matrix } | null = null;

  /** @param x (N, D) @returns max(x, 0) (N, D) */
  forward(x: Matrix, _options: ForwardOptions): Matrix {
    const y = relu(x);
    this.cache = { y };
    return y;
  }

  /** @param dOut (N, D) @returns dX (N, D), dOut where x > 0 else 0 */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    return reluBackward(dOut, this.cache.y);
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}
