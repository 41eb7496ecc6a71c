// The one data type of the engine: a dense row-major 2-D matrix over a Float32Array
// (training) or a Float64Array (gradient checks). Not a general N-d tensor library.
import { ShapeError } from "./errors";

export type DType = "float32" | "float64";
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zeroed buffer of the given dtype. */
export function allocate(length: number, dtype: DType): FloatArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: FloatArray;

  /** Wraps `data` (no copy) or allocates zeros when given a dtype. */
  constructor(rows: number, cols: number, data: FloatArray | DType = "float32") {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix shape must be two integers >= 0 (got ${rows} x ${cols})`);
    }
    const buffer = typeof data === "string" ? allocate(rows * cols, data) : data;
    if (buffer.length !== rows * cols) {
      throw new ShapeError(`Matrix (${rows}, ${cols}) needs ${rows * cols} values but its buffer has ${buffer.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = buffer;
  }

  static zeros(rows: number, cols: number, dtype: DType = "float32"): Matrix {
    return new Matrix(rows, cols, dtype);
  }

  /** Builds a matrix from nested arrays, e.g. `Matrix.fromRows([[1, 2], [3, 4]])`. */
  static fromRows(values: readonly (readonly number[])[], dtype: DType = "float32"): Matrix {
    const rows = values.length;
    const cols = rows === 0 ? 0 : values[0].length;
    const m = new Matrix(rows, cols, dtype);
    values.forEach((row, i) => {
      if (row.length !== cols) {
        throw new ShapeError(`Matrix.fromRows: row ${i} has ${row.length} values, row 0 has ${cols}`);
      }
      m.data.set(row, i * cols);
    });
    return m;
  }

  /** Copies a flat row-major list of values into a new (rows, cols) matrix. */
  static fromValues(rows: number, cols: number, values: ArrayLike<number>, dtype: DType = "float32"): Matrix {
    const m = new Matrix(rows, cols, dtype);
    if (values.length !== rows * cols) {
      throw new ShapeError(`Matrix.fromValues: (${rows}, ${cols}) needs ${rows * cols} values, got ${values.length}`);
    }
    m.data.set(values);
    return m;
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? "float64" : "float32";
  }

  /** "(rows, cols)", used in error messages. */
  get shape(): string {
    return `(${this.rows}, ${this.cols})`;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A view (no copy) of row i. */
  row(i: number): FloatArray {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** A copy with another element type. */
  astype(dtype: DType): Matrix {
    const m = new Matrix(this.rows, this.cols, dtype);
    m.data.set(this.data);
    return m;
  }

  toRows(): number[][] {
    return Array.from({ length: this.rows }, (_, i) => Array.from(this.row(i)));
  }
}

/** Throws unless `m` is (rows, cols); `what` names the operand in the message. */
export function assertShape(m: Matrix, rows: number, cols: number, what: string): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ShapeError(`${what} must have shape (${rows}, ${cols}), got ${m.shape}`);
  }
}

/** Throws unless `a` and `b` have the same shape and dtype. */
export function assertSameShape(a: Matrix, b: Matrix, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${what}: shapes ${a.shape} and ${b.shape} differ`);
  }
  if (a.dtype !== b.dtype) {
    throw new ShapeError(`${what}: dtypes ${a.dtype} and ${b.dtype} differ`);
  }
}

/** Returns `out` if it fits (rows, cols, dtype), a new zero matrix if it is undefined. */
export function outputFor(out: Matrix | undefined, rows: number, cols: number, dtype: DType, what: string): Matrix {
  if (out === undefined) return new Matrix(rows, cols, dtype);
  assertShape(out, rows, cols, what);
  if (out.dtype !== dtype) throw new ShapeError(`${what} must be ${dtype}, got ${out.dtype}`);
  return out;
}

/**
 * `buffer` when it already is (rows, cols, dtype), else a new zero matrix. Layers keep
 * their outputs and gradients in such buffers, so a training step allocates nothing.
 * Unlike outputFor, which checks an `out` the caller passed, a kept buffer that no longer
 * fits (a smaller last batch) is replaced, not an error.
 */
export function keptOutputFor(buffer: Matrix | null, rows: number, cols: number, dtype: DType): Matrix {
  if (buffer !== null && buffer.rows === rows && buffer.cols === cols && buffer.dtype === dtype) return buffer;
  return new Matrix(rows, cols, dtype);
}
