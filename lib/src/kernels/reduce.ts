// Reductions over rows or columns of a Matrix (bias gradients, BatchNorm statistics,
// predictions). Results are (1, D) row vectors so they broadcast like the parameters.
import { Matrix, outputFor } from "../tensor";
import { acceleratedFloat32 } from "./backend";

/** Sum over the rows, one value per column, e.g. db = Σ_n dY[n, :]. @param x (N, D) @returns (1, D) */
export function sumOverRows(x: Matrix, out?: Matrix): Matrix {
  const s = outputFor(out, 1, x.cols, x.dtype, "sumOverRows output");
  const accelerated = acceleratedFloat32("sumOverRows", x.data, s.data);
  if (accelerated) {
    accelerated(x.data as Float32Array, x.rows, x.cols, s.data as Float32Array);
    return s;
  }
  const S = s.data;
  const X = x.data;
  const d = x.cols;
  S.fill(0);
  for (let i = 0; i < x.rows; i++) {
    const xi = i * d;
    for (let j = 0; j < d; j++) S[j] += X[xi + j];
  }
  return s;
}

/**
 * Per-column mean and biased variance (divides by N, as BatchNorm normalises with).
 * Two passes for accuracy: the variance is taken around the mean, not as E[x²] − E[x]².
 * @param x (N, D) with N >= 1 @returns mean (1, D), variance (1, D)
 */
export function columnMeanVariance(x: Matrix): { mean: Matrix; variance: Matrix } {
  const n = x.rows;
  const d = x.cols;
  const accelerated = acceleratedFloat32("columnMeanVariance", x.data);
  if (accelerated && n > 0) {
    const stats = { mean: new Matrix(1, d, "float32"), variance: new Matrix(1, d, "float32") };
    accelerated(x.data as Float32Array, n, d, stats.mean.data as Float32Array, stats.variance.data as Float32Array);
    return stats;
  }
  const mean = sumOverRows(x);
  const M = mean.data;
  for (let j = 0; j < d; j++) M[j] /= n;
  const variance = new Matrix(1, d, x.dtype);
  const V = variance.data;
  const X = x.data;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    for (let j = 0; j < d; j++) {
      const c = X[xi + j] - M[j];
      V[j] += c * c;
    }
  }
  for (let j = 0; j < d; j++) V[j] /= n;
  return { mean, variance };
}

/** Index of the largest value in each row (first one on ties). @param x (N, D) @returns (N) */
export function argmaxRows(x: Matrix): Int32Array {
  const result = new Int32Array(x.rows);
  const X = x.data;
  for (let i = 0; i < x.rows; i++) {
    const xi = i * x.cols;
    let best = 0;
    for (let j = 1; j < x.cols; j++) if (X[xi + j] > X[xi + best]) best = j;
    result[i] = best;
  }
  return result;
}

/** Σ x² over every entry (the L2 penalty of a weight matrix, computed every batch by fit). */
export function sumOfSquares(x: Matrix): number {
  const accelerated = acceleratedFloat32("sumOfSquares", x.data);
  if (accelerated) return accelerated(x.data as Float32Array);
  const values = x.data;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

/** Index (in x.data) of the first NaN or ±Infinity, or -1 when every value is finite. */
export function firstNonFinite(x: Matrix): number {
  const accelerated = acceleratedFloat32("firstNonFinite", x.data);
  if (accelerated) return accelerated(x.data as Float32Array);
  const values = x.data;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
