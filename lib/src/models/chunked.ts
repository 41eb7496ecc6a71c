// Eval-mode outputs for any number of rows, computed a chunk of rows at a time so
// memory stays bounded (the layers' buffers hold one chunk, not the whole set).
import { DType, Matrix } from "../tensor";

/** Runs `run` on row views of x, `chunk` rows at a time, and copies the results into one (N, cols) matrix. */
export function inChunks(x: Matrix, cols: number, dtype: DType, chunk: number, run: (part: Matrix) => Matrix): Matrix {
  const out = new Matrix(x.rows, cols, dtype);
  for (let start = 0; start < x.rows; start += chunk) {
    const end = Math.min(x.rows, start + chunk);
    const part = new Matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols));
    out.data.set(run(part).data, start * cols);
  }
  return out;
}
