// Element-wise kernels used by the layers and the optimiser: bias broadcast,
// activations and their derivatives, the SGD update. Each writes into `out` if given.
import { Matrix, assertSameShape, assertShape, outputFor } from "../tensor";

/** y = x + v, v broadcast over rows (bias add). @param x (N, D) @param v (1, D) @returns (N, D) */
export function addRowVector(x: Matrix, v: Matrix, out?: Matrix): Matrix {
  assertShape(v, 1, x.cols, `row vector added to ${x.shape}`);
  const y = outputFor(out, x.rows, x.cols, x.dtype, "addRowVector output");
  const X = x.data;
  const V = v.data;
  const Y = y.data;
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) Y[o + j] = X[o + j] + V[j];
  }
  return y;
}

/** y = max(x, 0). */
export function relu(x: Matrix, out?: Matrix): Matrix {
  const y = outputFor(out, x.rows, x.cols, x.dtype, "relu output");
  const X = x.data;
  const Y = y.data;
  for (let i = 0; i < X.length; i++) Y[i] = X[i] > 0 ? X[i] : 0;
  return y;
}

/** dX = dY where the ReLU output was positive, else 0 (y > 0 exactly when x > 0). */
export function reluBackward(dOut: Matrix, y: Matrix, out?: Matrix): Matrix {
  assertSameShape(dOut, y, "reluBackward(dOut, y)");
  const dx = outputFor(out, y.rows, y.cols, y.dtype, "reluBackward output");
  const G = dOut.data;
  const Y = y.data;
  const D = dx.data;
  for (let i = 0; i < Y.length; i++) D[i] = Y[i] > 0 ? G[i] : 0;
  return dx;
}

/** y = 1 / (1 + e^(−x)), evaluated without overflow for large |x|. */
export function sigmoid(x: Matrix, out?: Matrix): Matrix {
  const y = outputFor(out, x.rows, x.cols, x.dtype, "sigmoid output");
  const X = x.data;
  const Y = y.data;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (v >= 0) {
      Y[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      Y[i] = e / (1 + e);
    }
  }
  return y;
}

/** dX = dY · y · (1 − y), from the sigmoid's own output y. */
export function sigmoidBackward(dOut: Matrix, y: Matrix, out?: Matrix): Matrix {
  assertSameShape(dOut, y, "sigmoidBackward(dOut, y)");
  const dx = outputFor(out, y.rows, y.cols, y.dtype, "sigmoidBackward output");
  const G = dOut.data;
  const Y = y.data;
  const D = dx.data;
  for (let i = 0; i < Y.length; i++) D[i] = G[i] * Y[i] * (1 - Y[i]);
  return dx;
}

/** In place: value −= lr · (grad + weightDecay · value). */
export function sgdUpdate(value: Matrix, grad: Matrix, lr: number, weightDecay: number): void {
  assertSameShape(value, grad, "sgdUpdate(value, grad)");
  const P = value.data;
  const G = grad.data;
  if (weightDecay === 0) {
    for (let i = 0; i < P.length; i++) P[i] -= lr * G[i];
  } else {
    for (let i = 0; i < P.length; i++) P[i] -= lr * (G[i] + weightDecay * P[i]);
  }
}
