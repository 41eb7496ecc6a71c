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
  /**
   * Int32: for each seed in turn, the training images its per-seed budgets label, in index
   * order; seed s's are at [seedStart[s], seedStart[s + 1]).
   */
  images: SharedArrayBuffer;
  /** Uint8, parallel to images: the first (smallest) per-seed budget that labels the image. */
  levels: SharedArrayBuffer;
  /** (seeds + 1) offsets into images. */
  seedStart: Int32Array;
  seeds: number;
  /** Budgets kept per seed. */
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
  const images = new Int32Array(block.images);
  const levels = new Uint8Array(block.levels);
  const nearest = new Int32Array(block.nearest);
  const width = slotCount(block.seeds, block.perSeed, block.shared) * block.kMax;
  const bestDist = new Float64Array(width);
  for (let r = from; r < to; r++) {
    bestDist.fill(Infinity);
    const bestIndex = nearest.subarray(r * width, (r + 1) * width);
    bestIndex.fill(-1);
    const dot = dots.subarray(r * n, (r + 1) * n);
    if (block.shared) scanAll(dot, block.testNorms[r], trainNorms, block.kMax, block.seeds * block.perSeed * block.kMax, bestDist, bestIndex);
    scanLabelled(dot, block.testNorms[r], trainNorms, images, levels, block.seedStart, block.perSeed, block.kMax, bestDist, bestIndex);
  }
}

/** The shared slot at offset o: the kMax nearest of all training images. */
function scanAll(
  dot: Float32Array | Float64Array,
  norm: number,
  trainNorms: Float64Array,
  kMax: number,
  o: number,
  bestDist: Float64Array,
  bestIndex: Int32Array,
): void {
  let worst = bestDist[o + kMax - 1];
  for (let j = 0; j < trainNorms.length; j++) {
    const d = norm + trainNorms[j] - 2 * dot[j];
    if (d < worst) {
      insertSorted(j, d, kMax, bestIndex, bestDist, o);
      worst = bestDist[o + kMax - 1];
    }
  }
}

/**
 * The per-seed slots: each seed's labelled images only, so that the loop has no branch on
 * whether an image is labelled (a coin toss the CPU cannot predict, which made one scan of
 * every image with that test ~10× slower).
 */
function scanLabelled(
  dot: Float32Array | Float64Array,
  norm: number,
  trainNorms: Float64Array,
  images: Int32Array,
  levels: Uint8Array,
  seedStart: Int32Array,
  perSeed: number,
  kMax: number,
  bestDist: Float64Array,
  bestIndex: Int32Array,
): void {
  for (let s = 0; s + 1 < seedStart.length; s++) {
    for (let p = seedStart[s]; p < seedStart[s + 1]; p++) {
      const j = images[p];
      const d = norm + trainNorms[j] - 2 * dot[j];
      // A superset's k-th distance is never larger, so once d misses a budget it misses every larger one.
      for (let b = levels[p]; b < perSeed; b++) {
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
