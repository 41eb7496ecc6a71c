// Small float64 matrix helpers for building the values of classic mistakes (a transposed
// gradient, one row instead of a sum, a missing 1/N). Clear loops; the shapes are tiny.
import { Matrix } from "../tensor";

/** A new matrix of f applied to every entry (with its row and column). */
export function mapMatrix(m: Matrix, f: (v: number, i: number, j: number) => number): Matrix {
  const out = new Matrix(m.rows, m.cols, m.dtype);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = f(m.data[i * m.cols + j], i, j);
  return out;
}

/** k·m */
export function scaled(m: Matrix, k: number): Matrix {
  return mapMatrix(m, (v) => k * v);
}

/** mᵀ */
export function transposed(m: Matrix): Matrix {
  const out = new Matrix(m.cols, m.rows, m.dtype);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.data[j * m.rows + i] = m.data[i * m.cols + j];
  return out;
}

/** Row i as a (1, cols) matrix. */
export function rowMatrix(m: Matrix, i: number): Matrix {
  return new Matrix(1, m.cols, m.data.slice(i * m.cols, (i + 1) * m.cols));
}

/** a[i]ᵀ·b[i]: the (a.cols, b.cols) outer product of row i of each. */
export function outerOfRow(a: Matrix, b: Matrix, i: number): Matrix {
  const out = new Matrix(a.cols, b.cols, a.dtype);
  for (let p = 0; p < a.cols; p++) for (let q = 0; q < b.cols; q++) out.data[p * b.cols + q] = a.get(i, p) * b.get(i, q);
  return out;
}

/** Sums over the rows, (1, cols), or over the columns, (rows, 1). */
export function sumAlong(m: Matrix, axis: "rows" | "cols"): Matrix {
  const out = axis === "rows" ? new Matrix(1, m.cols, m.dtype) : new Matrix(m.rows, 1, m.dtype);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out.data[axis === "rows" ? j : i] += m.data[i * m.cols + j];
  }
  return out;
}

/** a ∘ b, entry by entry (same shape). */
export function times(a: Matrix, b: Matrix): Matrix {
  return mapMatrix(a, (v, i, j) => v * b.get(i, j));
}

/** A matrix of zeros shaped like m. */
export function zerosLike(m: Matrix): Matrix {
  return new Matrix(m.rows, m.cols, m.dtype);
}
