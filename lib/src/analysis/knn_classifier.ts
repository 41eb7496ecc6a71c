// k-nearest-neighbour classification, exact, for many label budgets and seeds in one pass:
// the labelled images of seed s and budget b are the first b of Rng(s).permutation(n), the
// same images trainClassifier labels, so kNN and the trained classifiers see the same labels.
// One matmul per block of test rows gives the squared distances to every training image; a
// single scan of each row then keeps the k nearest labelled images of every (seed, budget).
import { Matrix, reuse } from "../tensor";
import { ShapeError } from "../errors";
import { Rng } from "../random";
import { matmulTransB } from "../kernels";
import { checkInt } from "../validate";
import { insertSorted, rowNorms } from "./neighbors";

export interface KnnBudgetOptions {
  /** Labelled-set sizes; each is capped at the number of training rows. */
  budgets: readonly number[];
  seeds: readonly number[];
  /** Neighbour counts to vote with, e.g. [1, 5]. */
  ks: readonly number[];
  /** Test rows per matmul block. Default 256. */
  block?: number;
}

export interface KnnResult {
  seed: number;
  /** Labelled training images used (the budget, capped at the training set). */
  labels: number;
  k: number;
  accuracy: number;
  predictions: Int32Array;
}

/**
 * Test accuracy of k-NN (Euclidean) for every seed × budget × k.
 * @param train (n, d) @param trainLabels (n) @param test (m, d) @param testLabels (m)
 */
export function knnLabelBudgets(train: Matrix, trainLabels: Int32Array, test: Matrix, testLabels: Int32Array, options: KnnBudgetOptions): KnnResult[] {
  const n = train.rows;
  if (test.cols !== train.cols) throw new ShapeError(`kNN: test has ${test.cols} features, train ${train.cols}`);
  if (trainLabels.length !== n || testLabels.length !== test.rows) throw new ShapeError(`kNN: ${n} training rows with ${trainLabels.length} labels, ${test.rows} test rows with ${testLabels.length} labels`);
  const budgets = [...new Set(options.budgets.map((b) => Math.min(checkInt("budget", b), n)))].sort((a, b) => a - b);
  const kMax = Math.max(...options.ks.map((k) => checkInt("k", k)));
  if (kMax > budgets[0]) throw new ShapeError(`kNN: k = ${kMax} needs at least ${kMax} labelled images; the smallest budget is ${budgets[0]}`);
  const seeds = options.seeds;
  const classes = Math.max(...trainLabels) + 1;
  // The largest budget may label every image, whatever the seed: its neighbours are then the same
  // for every seed and are kept once ("shared"). The other budgets are kept per seed.
  const S = seeds.length;
  const nb = budgets.length;
  const shared = budgets[nb - 1] === n;
  const perSeed = shared ? nb - 1 : nb;
  // firstBudget[j·S + s]: the smallest per-seed budget whose labelled set has image j under seed s
  // (perSeed: none); interleaved by image so the scan reads it in order. minFirst[j]: over the seeds.
  const firstBudget = new Uint8Array(n * S).fill(perSeed);
  seeds.forEach((seed, s) => {
    new Rng(seed).permutation(n).forEach((image, rank) => {
      const b = budgets.findIndex((budget) => rank < budget);
      firstBudget[image * S + s] = b < perSeed ? b : perSeed;
    });
  });
  const minFirst = new Uint8Array(n);
  for (let j = 0; j < n; j++) minFirst[j] = Math.min(...firstBudget.subarray(j * S, (j + 1) * S));
  const slots = S * perSeed + (shared ? 1 : 0); // per-seed slots first, the shared one last
  const sharedSlot = S * perSeed;
  const bestDist = new Float64Array(slots * kMax);
  const bestLabel = new Int32Array(slots * kMax);
  const predictions = seeds.flatMap(() => budgets.flatMap(() => options.ks.map(() => new Int32Array(test.rows))));
  const votes = new Int32Array(classes);
  const trainNorms = rowNorms(train);
  const block = options.block ?? 256;
  const layout: ScanLayout = { firstBudget, minFirst, seeds: S, perSeed, kMax, shared };
  let dotsBuffer: Matrix | null = null; // (block, n), reused: only a shorter last block allocates again
  for (let start = 0; start < test.rows; start += block) {
    const end = Math.min(test.rows, start + block);
    const rows = new Matrix(end - start, test.cols, test.data.subarray(start * test.cols, end * test.cols));
    dotsBuffer = matmulTransB(rows, train, reuse(dotsBuffer, end - start, n, test.dtype));
    const dots = dotsBuffer.data;
    const testNorms = rowNorms(rows);
    for (let r = 0; r < end - start; r++) {
      bestDist.fill(Infinity);
      const dot = dots.subarray(r * n, (r + 1) * n);
      scanRow(dot, testNorms[r], trainNorms, trainLabels, layout, bestDist, bestLabel);
      let out = 0;
      for (let s = 0; s < S; s++) {
        for (let b = 0; b < nb; b++) {
          const slot = b < perSeed ? s * perSeed + b : sharedSlot;
          for (const k of options.ks) predictions[out++][start + r] = vote(bestLabel, slot * kMax, k, votes);
        }
      }
    }
  }
  let out = 0;
  return seeds.flatMap((seed) =>
    budgets.flatMap((labels) =>
      options.ks.map((k) => {
        const predicted = predictions[out++];
        let hits = 0;
        for (let i = 0; i < predicted.length; i++) if (predicted[i] === testLabels[i]) hits++;
        return { seed, labels, k, accuracy: hits / Math.max(1, predicted.length), predictions: predicted };
      }),
    ),
  );
}

interface ScanLayout {
  firstBudget: Uint8Array;
  minFirst: Uint8Array;
  seeds: number;
  perSeed: number;
  kMax: number;
  shared: boolean;
}

/**
 * One test row against every training image: keeps, per slot (seed × budget, then the shared
 * one), the kMax nearest labelled images, nearest first. A small function of typed arrays, so
 * V8 compiles the hot loop well.
 */
function scanRow(dot: Float32Array | Float64Array, norm: number, trainNorms: Float64Array, trainLabels: Int32Array, layout: ScanLayout, bestDist: Float64Array, bestLabel: Int32Array): void {
  const { firstBudget, minFirst, seeds, perSeed, kMax, shared } = layout;
  const sharedSlot = seeds * perSeed;
  const lastShared = sharedSlot * kMax + kMax - 1;
  const n = trainNorms.length;
  for (let j = 0; j < n; j++) {
    const d = norm + trainNorms[j] - 2 * dot[j];
    if (shared && d < bestDist[lastShared]) insertSorted(trainLabels[j], d, kMax, bestLabel, bestDist, sharedSlot * kMax);
    if (minFirst[j] === perSeed) continue;
    for (let s = 0; s < seeds; s++) {
      // A superset's k-th distance is never larger, so once d misses a budget it misses every larger one.
      for (let b = firstBudget[j * seeds + s]; b < perSeed; b++) {
        const o = (s * perSeed + b) * kMax;
        if (!(d < bestDist[o + kMax - 1])) break;
        insertSorted(trainLabels[j], d, kMax, bestLabel, bestDist, o);
      }
    }
  }
}

/** The most common label among the k nearest; a tie goes to the smallest label (as scikit-learn). */
function vote(labels: Int32Array, offset: number, k: number, votes: Int32Array): number {
  votes.fill(0);
  for (let i = 0; i < k; i++) votes[labels[offset + i]]++;
  let best = 0;
  for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
  return best;
}
