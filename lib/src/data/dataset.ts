// A dataset is inputs plus targets (class indices or a matrix), row i of each belonging
// together. Helpers to check that and to gather rows for mini-batches and splits.
import { Matrix, keptOutputFor } from "../tensor";
import { gatherRows } from "../kernels";
import { ShapeError } from "../errors";
import type { Targets } from "../models";
import { Rng } from "../random";
import { checkOpenUnit, checkSeed } from "../validate";

export interface Dataset<Y extends Targets> {
  /** Inputs (N, D). */
  x: Matrix;
  /** Class indices (N) or target rows (N, K). */
  y: Y;
}

/** Number of targets: labels or matrix rows. */
export function targetCount(y: Targets): number {
  return y instanceof Matrix ? y.rows : y.length;
}

/** Throws unless inputs and targets have the same number of rows; `what` names the dataset. */
export function checkDataset(data: Dataset<Targets>, what: string): void {
  const n = targetCount(data.y);
  if (data.x.rows !== n) {
    throw new ShapeError(`${what}: ${data.x.rows} input rows but ${n} targets`);
  }
}

/** Rows idx[start..end) of x, copied into a new matrix (or into `into` when it fits). */
export function takeRows(x: Matrix, idx: Int32Array, start = 0, end = idx.length, into: Matrix | null = null): Matrix {
  return gatherRows(x, idx, start, end, keptOutputFor(into, end - start, x.cols, x.dtype));
}

/** Targets idx[start..end), of the same kind as y (written into `into` when it fits). */
export function takeTargets<Y extends Targets>(y: Y, idx: Int32Array, start = 0, end = idx.length, into: Y | null = null): Y {
  if (y instanceof Matrix) return takeRows(y, idx, start, end, into as Matrix | null) as Y;
  const out = into instanceof Int32Array && into.length === end - start ? into : new Int32Array(end - start);
  for (let r = start; r < end; r++) out[r - start] = y[idx[r]];
  return out as Y;
}

/**
 * Rows idx[start..end) of a dataset, reusing the matrices of `into` when they fit.
 * When the targets are the inputs themselves (an autoencoder), they are copied once.
 */
export function takeSamples<Y extends Targets>(data: Dataset<Y>, idx: Int32Array, start = 0, end = idx.length, into: Dataset<Y> | null = null): Dataset<Y> {
  const x = takeRows(data.x, idx, start, end, into?.x ?? null);
  if ((data.y as Targets) === data.x) return { x, y: x as Y };
  return { x, y: takeTargets(data.y, idx, start, end, into?.y ?? null) };
}

/** Rows start..end of a dataset as views (no copy): changing them changes `data`. */
export function sliceRows<Y extends Targets>(data: Dataset<Y>, start: number, end: number): Dataset<Y> {
  const view = (m: Matrix): Matrix => new Matrix(end - start, m.cols, m.data.subarray(start * m.cols, end * m.cols));
  const x = view(data.x);
  if ((data.y as Targets) === data.x) return { x, y: x as Y };
  return { x, y: (data.y instanceof Matrix ? view(data.y) : data.y.subarray(start, end)) as Y };
}

/**
 * Seeded random split into train and validation parts.
 * @param valFraction share of rows for validation, in (0, 1); at least one row each side.
 */
export function trainValSplit<Y extends Targets>(
  data: Dataset<Y>,
  valFraction: number,
  seed: number,
): { train: Dataset<Y>; val: Dataset<Y> } {
  checkOpenUnit("valFraction", valFraction);
  checkSeed("seed", seed);
  checkDataset(data, "trainValSplit");
  const n = data.x.rows;
  const nVal = Math.round(n * valFraction);
  if (nVal < 1 || nVal > n - 1) {
    throw new ShapeError(`trainValSplit: ${n} rows with valFraction ${valFraction} leaves an empty side`);
  }
  const perm = new Rng(seed).permutation(n);
  return { val: takeSamples(data, perm, 0, nVal), train: takeSamples(data, perm, nVal, n) };
}
