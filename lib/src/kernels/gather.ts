// Copying rows by index: how mini-batches are drawn from a shuffled dataset.
import { Matrix, outputFor } from "../tensor";
import { ShapeError } from "../errors";
import { acceleratedFloat32 } from "./backend";

/** out row r = x row idx[start + r], for r in [0, end − start). @returns (end − start, D) */
export function gatherRows(x: Matrix, idx: Int32Array, start: number, end: number, out?: Matrix): Matrix {
  const d = x.cols;
  const y = outputFor(out, end - start, d, x.dtype, "gatherRows output");
  const accelerated = acceleratedFloat32("gatherRows", x.data, y.data);
  if (accelerated && d > 0) {
    accelerated(x.data as Float32Array, d, idx, start, end, y.data as Float32Array);
    return y;
  }
  for (let r = start; r < end; r++) {
    const row = idx[r];
    if (!(row >= 0 && row < x.rows)) throw new ShapeError(`gatherRows: index ${row} is outside the ${x.rows} rows`);
    y.data.set(x.data.subarray(row * d, (row + 1) * d), (r - start) * d);
  }
  return y;
}
