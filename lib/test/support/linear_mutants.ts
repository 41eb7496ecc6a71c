// E1's wrong Linear for mutants.ts: one mistake of a category, written from scratch the way a
// learner writes it. The catalogue makes these mistakes in correct code; this is the issue's
// own reproduction, kept as independent learner code.
import { DType, ForwardOptions, Matrix, Param, Rng, StateBuffer, makeParam } from "../../src";

/** A plain-loop Linear that remembers only the input of its FIRST forward call. */
export class FirstInputLinear {
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
