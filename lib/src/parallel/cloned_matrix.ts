// A matrix sent to or from a worker thread arrives as a plain object with its fields (the
// structured copy keeps data, not classes); this makes it a Matrix again, without a copy.
import { Matrix } from "../tensor";

export function matrixOf(m: Matrix | Pick<Matrix, "rows" | "cols" | "data">): Matrix {
  return m instanceof Matrix ? m : new Matrix(m.rows, m.cols, m.data);
}
