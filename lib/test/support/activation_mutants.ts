// E2's wrong activations for mutants.ts. InPlaceReLU is not catalogue-shaped (a forward that
// overwrites its input); the others are one mistake of a category each, written from scratch
// the way a learner writes it: the catalogue makes these mistakes in correct code; these are the
// issue's own reproductions, kept as independent learner code (their NaN and Infinity differ
// from the catalogue's).
import { ForwardOptions, Matrix, Param, StateBuffer } from "../../src";
import { MaskReLU } from "./learner_code";

/** A ReLU whose forward writes y over its input x and returns x. */
export class InPlaceReLU extends MaskReLU {
  override forward(x: Matrix, options: ForwardOptions): Matrix {
    const y = super.forward(x, options);
    x.data.set(y.data);
    return x;
  }
}

/** A Sigmoid that keeps the output of its FIRST forward call for every backward. */
export class FirstOutputSigmoid {
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
export class RecomputingSigmoid {
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
export class AtZeroReLU {
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
