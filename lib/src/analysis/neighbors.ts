// Exact k-nearest neighbours by Euclidean distance, computed in blocks of rows with the
// matmul kernels: ‖a − b‖² = ‖a‖² + ‖b‖² − 2·a·b. For 10,000 points in 128-D that is
// ~26 GFLOP of matmul, well under a second on the native backend.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { firstNonFinite, matmulTransB } from "../kernels";
import { insertSorted } from "./knn_scan";

export interface Neighbors {
  k: number;
  /** (n·k) row-major: the k nearest points of each point, nearest first (the point itself first). */
  indices: Int32Array;
  /** (n·k) Euclidean distances matching `indices`. */
  distances: Float32Array;
}

/** Squared norms of the rows. */
export function rowNorms(x: Matrix): Float64Array {
  const norms = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.cols; j++) s += x.data[i * x.cols + j] ** 2;
    norms[i] = s;
  }
  return norms;
}

/**
 * Calls visit(i, dot, norms) for every row i with the dot products of row i with all
 * rows (dot is reused between calls) and the squared norms of all rows, computed
 * `block` rows at a time with one matmul each.
 */
function forEachDotRow(x: Matrix, visit: (i: number, dot: Float32Array | Float64Array, norms: Float64Array) => void, block = 512): void {
  const n = x.rows;
  const norms = rowNorms(x);
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    const rows = new Matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols));
    const dots = matmulTransB(rows, x); // (block, n)
    for (let i = start; i < end; i++) visit(i, dots.data.subarray((i - start) * n, (i - start + 1) * n), norms);
  }
}

/** The squared distance from row i to row j, from their dot product and squared norms. */
const squaredDistance = (normI: number, normJ: number, dot: number): number => Math.max(0, normI + normJ - 2 * dot);

/**
 * Calls visit(i, d2) for every row i with the squared distances from i to all rows,
 * computed `block` rows at a time. d2 is reused between calls.
 */
export function forEachDistanceRow(x: Matrix, visit: (i: number, d2: Float64Array) => void, block = 512): void {
  const d2 = new Float64Array(x.rows);
  forEachDotRow(
    x,
    (i, dot, norms) => {
      for (let j = 0; j < d2.length; j++) d2[j] = squaredDistance(norms[i], norms[j], dot[j]);
      d2[i] = 0;
      visit(i, d2);
    },
    block,
  );
}

/** Starts a sorted window of k (idx, dist) with `self` first. */
function startWindow(self: number, idx: Int32Array, dist: Float64Array): void {
  idx.fill(-1);
  dist.fill(Infinity);
  idx[0] = self;
  dist[0] = -1; // self always first
}

/**
 * The k smallest entries of d2 into idx/dist, sorted, with `self` first.
 * Insertion into a sorted window of k: O(n) when most entries are far.
 */
export function selectSmallest(d2: Float64Array, self: number, k: number, idx: Int32Array, dist: Float64Array): void {
  startWindow(self, idx, dist);
  for (let j = 0; j < d2.length; j++) {
    const v = d2[j];
    if (j !== self && v < dist[k - 1]) insertSorted(j, v, k, idx, dist);
  }
}

/** The k nearest neighbours of every row (the row itself counts as the first). */
export function exactKnn(x: Matrix, k: number): Neighbors {
  if (!Number.isInteger(k) || k < 1 || k > x.rows) throw new ShapeError(`exactKnn: k must be an integer in [1, ${x.rows}] (got ${k})`);
  const bad = firstNonFinite(x);
  if (bad >= 0) {
    const row = Math.floor(bad / x.cols);
    throw new ShapeError(
      `nearest neighbours: point ${row} has ${x.data[bad]} in column ${bad - row * x.cols}; every coordinate must be finite (drop or fix such rows)`,
    );
  }
  const indices = new Int32Array(x.rows * k);
  const distances = new Float32Array(x.rows * k);
  const idx = new Int32Array(k);
  const dist = new Float64Array(k);
  // The same selection as selectSmallest over forEachDistanceRow, fused: each distance is
  // computed and compared in one pass instead of being stored first (10,000 points in
  // 128-D: ~0.75 s instead of ~1.1 s).
  forEachDotRow(x, (i, dot, norms) => {
    startWindow(i, idx, dist);
    const normI = norms[i];
    let worst = dist[k - 1];
    for (let j = 0; j < dot.length; j++) {
      const raw = normI + norms[j] - 2 * dot[j]; // squaredDistance before its clamp at 0
      if (raw >= worst || j === i) continue;
      const v = raw > 0 ? raw : 0;
      if (v < worst) {
        insertSorted(j, v, k, idx, dist);
        worst = dist[k - 1];
      }
    }
    for (let p = 0; p < k; p++) {
      indices[i * k + p] = idx[p];
      distances[i * k + p] = p === 0 ? 0 : Math.sqrt(dist[p]);
    }
  });
  return { k, indices, distances };
}
