// Eval-mode outputs for any number of rows, computed a chunk of rows at a time so
// memory stays bounded (the layers' buffers hold one chunk, not the whole set).
import { Matrix } from "../tensor";

/**
 * Runs `run` on row views of x, `chunk` rows at a time, and copies the results into one
 * new (N, outputs) matrix whose width and dtype are those of the first result.
 */
export function inChunks(x: Matrix, chunk: number, run: (part: Matrix) => Matrix): Matrix {
  let out: Matrix | null = null;
  for (let start = 0; start < x.rows || out === null; start += chunk) {
    const end = Math.min(x.rows, start + chunk);
    const part = new Matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols));
    const result = run(part);
    out ??= new Matrix(x.rows, result.cols, result.dtype);
    out.data.set(result.data, start * result.cols);
  }
  return out;
}
