// Element-wise kernels used by the layers and the optimiser: bias rows,
// activations and their derivatives, squared error, the SGD update. Each writes into
// `out` if given. On float32 the blas and wasm backends run the loop in C++ or WebAssembly
// (SIMD); the TypeScript loop next to it is the same arithmetic and the fallback.
import { Matrix, assertSameShape, assertShape, outputFor } from "../tensor";
import { acceleratedFloat32 } from "./backend";

/** Copies the row vector v into every row of out. @param v (1, D) @param out (N, D) */
export function fillRows(out: Matrix, v: Matrix): void {
  assertShape(v, 1, out.cols, `row vector copied into ${out.shape}`);
  const total = out.data.length;
  if (total === 0) return;
  out.data.set(v.data, 0);
  // Doubling copies: log2(N) memmoves instead of N small ones.
  for (let filled = v.data.length; filled < total; filled *= 2) out.data.copyWithin(filled, 0, Math.min(filled, total - filled));
}

/** y = max(x, 0); NaN stays NaN. `out` may be x. */
export function relu(x: Matrix, out?: Matrix): Matrix {
  const y = outputFor(out, x.rows, x.cols, x.dtype, "relu output");
  const accelerated = acceleratedFloat32("relu", x.data, y.data);
  if (accelerated) {
    accelerated(x.data as Float32Array, y.data as Float32Array);
    return y;
  }
  const X = x.data;
  const Y = y.data;
  for (let i = 0; i < X.length; i++) Y[i] = X[i] < 0 ? 0 : X[i];
  return y;
}

/** dX = dY where the ReLU output was positive, else 0 (y > 0 exactly when x > 0). `out` may be dOut. */
export function reluBackward(dOut: Matrix, y: Matrix, out?: Matrix): Matrix {
  assertSameShape(dOut, y, "reluBackward(dOut, y)");
  const dx = outputFor(out, y.rows, y.cols, y.dtype, "reluBackward output");
  const accelerated = acceleratedFloat32("reluBackward", dOut.data, y.data, dx.data);
  if (accelerated) {
    accelerated(dOut.data as Float32Array, y.data as Float32Array, dx.data as Float32Array);
    return dx;
  }
  const G = dOut.data;
  const Y = y.data;
  const D = dx.data;
  for (let i = 0; i < Y.length; i++) D[i] = Y[i] > 0 ? G[i] : 0;
  return dx;
}

/** y = 1 / (1 + e^(−x)), evaluated without overflow for large |x|. */
export function sigmoid(x: Matrix, out?: Matrix): Matrix {
  const y = outputFor(out, x.rows, x.cols, x.dtype, "sigmoid output");
  const accelerated = acceleratedFloat32("sigmoid", x.data, y.data);
  if (accelerated) {
    accelerated(x.data as Float32Array, y.data as Float32Array);
    return y;
  }
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
  const accelerated = acceleratedFloat32("sigmoidBackward", dOut.data, y.data, dx.data);
  if (accelerated) {
    accelerated(dOut.data as Float32Array, y.data as Float32Array, dx.data as Float32Array);
    return dx;
  }
  const G = dOut.data;
  const Y = y.data;
  const D = dx.data;
  for (let i = 0; i < Y.length; i++) D[i] = G[i] * Y[i] * (1 - Y[i]);
  return dx;
}

/**
 * Mean of (pred − target)² over every element; when `grad` is given, also writes
 * grad = 2·(pred − target) / count into it.
 */
export function meanSquaredDiff(pred: Matrix, target: Matrix, grad?: Matrix): number {
  assertSameShape(pred, target, "meanSquaredDiff(pred, target)");
  if (grad !== undefined) assertSameShape(grad, pred, "meanSquaredDiff(grad, pred)");
  const accelerated = grad === undefined ? acceleratedFloat32("mse", pred.data, target.data) : acceleratedFloat32("mse", pred.data, target.data, grad.data);
  if (accelerated) return accelerated(pred.data as Float32Array, target.data as Float32Array, grad?.data as Float32Array | undefined);
  const P = pred.data;
  const T = target.data;
  const count = P.length;
  let total = 0;
  if (grad === undefined) {
    for (let i = 0; i < count; i++) total += (P[i] - T[i]) ** 2;
  } else {
    const G = grad.data;
    for (let i = 0; i < count; i++) {
      const diff = P[i] - T[i];
      total += diff * diff;
      G[i] = (2 * diff) / count;
    }
  }
  return count === 0 ? 0 : total / count;
}

/** In place: value −= lr · (grad + weightDecay · value). */
export function sgdUpdate(value: Matrix, grad: Matrix, lr: number, weightDecay: number): void {
  assertSameShape(value, grad, "sgdUpdate(value, grad)");
  const accelerated = acceleratedFloat32("sgdUpdate", value.data, grad.data);
  if (accelerated) {
    accelerated(value.data as Float32Array, grad.data as Float32Array, lr, weightDecay);
    return;
  }
  const P = value.data;
  const G = grad.data;
  if (weightDecay === 0) {
    for (let i = 0; i < P.length; i++) P[i] -= lr * G[i];
  } else {
    for (let i = 0; i < P.length; i++) P[i] -= lr * (G[i] + weightDecay * P[i]);
  }
}
