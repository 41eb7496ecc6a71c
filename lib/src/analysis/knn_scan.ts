// The hot loop of knn_classifier.ts: for a block of test rows, given their dot products with
// every training image, keeps the kMax nearest labelled images of every (seed, budget) slot.
// A leaf module of typed arrays with no imports, so a worker thread of the TypeScript pool
// (kernels/backends/js_parallel.ts) can load it without loading the engine.
// NOTE: ties in distance go to the smaller training index: the scan visits images in index
// order and an image enters a window only when strictly nearer than its last entry, so the
// order is (distance, index) whichever thread scans the row.

/** One block of the scan; the arrays live in shared memory so that every thread reads the same. */
export interface ScanBlock {
  /** (rows, n) dot products of the test rows with the training images, float32 or float64. */
  dots: SharedArrayBuffer;
  float64: boolean;
  rows: number;
  /** (rows) squared norms of the test rows. */
  testNorms: Float64Array;
  /** (n) squared norms of the training images. */
  trainNorms: SharedArrayBuffer;
  /** (n·seeds) Uint8: the first per-seed budget whose labelled set has image j under seed s, at j·seeds + s. */
  firstBudget: SharedArrayBuffer;
  /** (n) Uint8: firstBudget's minimum over the seeds. */
  minFirst: SharedArrayBuffer;
  seeds: number;
  /** Budgets kept per seed; perSeed marks "in none of them". */
  perSeed: number;
  kMax: number;
  /** Whether the largest budget labels every image (one slot shared by all seeds, after the per-seed ones). */
  shared: boolean;
  /** (rows · slots · kMax) Int32 out: the training indices of each slot's nearest, nearest first (−1: none). */
  nearest: SharedArrayBuffer;
}

/** The number of slots of a scan: seeds × per-seed budgets, plus the shared one. */
export function slotCount(seeds: number, perSeed: number, shared: boolean): number {
  return seeds * perSeed + (shared ? 1 : 0);
}

/** Scans test rows [from, to) of `block` (a task of the worker pool: fn(context, from, to)). */
export function scanRows(block: ScanBlock, from: number, to: number): void {
  const n = block.trainNorms.byteLength / 8;
  const dots = block.float64 ? new Float64Array(block.dots) : new Float32Array(block.dots);
  const trainNorms = new Float64Array(block.trainNorms);
  const firstBudget = new Uint8Array(block.firstBudget);
  const minFirst = new Uint8Array(block.minFirst);
  const nearest = new Int32Array(block.nearest);
  const width = slotCount(block.seeds, block.perSeed, block.shared) * block.kMax;
  const bestDist = new Float64Array(width);
  for (let r = from; r < to; r++) {
    bestDist.fill(Infinity);
    const bestIndex = nearest.subarray(r * width, (r + 1) * width);
    bestIndex.fill(-1);
    scanRow(dots.subarray(r * n, (r + 1) * n), block.testNorms[r], trainNorms, firstBudget, minFirst, block.seeds, block.perSeed, block.kMax, block.shared, bestDist, bestIndex);
  }
}

/**
 * One test row against every training image: keeps, per slot (seed × budget, then the shared
 * one), the kMax nearest labelled images, nearest first. A small function of typed arrays, so
 * V8 compiles the hot loop well.
 */
function scanRow(
  dot: Float32Array | Float64Array, norm: number, trainNorms: Float64Array, firstBudget: Uint8Array, minFirst: Uint8Array,
  seeds: number, perSeed: number, kMax: number, shared: boolean, bestDist: Float64Array, bestIndex: Int32Array,
): void {
  const sharedSlot = seeds * perSeed;
  const lastShared = sharedSlot * kMax + kMax - 1;
  const n = trainNorms.length;
  for (let j = 0; j < n; j++) {
    const d = norm + trainNorms[j] - 2 * dot[j];
    if (shared && d < bestDist[lastShared]) insertSorted(j, d, kMax, bestIndex, bestDist, sharedSlot * kMax);
    if (minFirst[j] === perSeed) continue;
    for (let s = 0; s < seeds; s++) {
      // A superset's k-th distance is never larger, so once d misses a budget it misses every larger one.
      for (let b = firstBudget[j * seeds + s]; b < perSeed; b++) {
        const o = (s * perSeed + b) * kMax;
        if (!(d < bestDist[o + kMax - 1])) break;
        insertSorted(j, d, kMax, bestIndex, bestDist, o);
      }
    }
  }
}

/** Puts (j, v) into the sorted window of k at offset o, dropping its last entry; v < dist[o + k − 1]. Equal distances keep their order. */
export function insertSorted(j: number, v: number, k: number, idx: Int32Array, dist: Float64Array, o = 0): void {
  let p = k - 1;
  while (p > 0 && dist[o + p - 1] > v) {
    dist[o + p] = dist[o + p - 1];
    idx[o + p] = idx[o + p - 1];
    p--;
  }
  dist[o + p] = v;
  idx[o + p] = j;
}
