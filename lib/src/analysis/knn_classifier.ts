// k-nearest-neighbour classification, exact, for many label budgets and seeds in one pass:
// the labelled images of seed s and budget b are the first b of Rng(s).permutation(n), the
// same images trainClassifier labels, so kNN and the trained classifiers see the same labels.
// One matmul per block of test rows gives the squared distances to every training image; a
// single scan of each row then keeps the k nearest labelled images of every (seed, budget);
// the rows of a block are split over the threads of the TypeScript kernels' worker pool
// (knn_scan.ts). Label noise changes only the votes, never which images are nearest, so every
// noise level is voted from the same scan.
import * as path from "path";
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { matmulTransB } from "../kernels";
import { runTask } from "../kernels/backends/js_parallel";
import { checkInt } from "../validate";
import { rowNorms } from "./neighbors";
import { ScanBlock, slotCount } from "./knn_scan";
import { labelledSubset, noisySubsetLabels } from "./label_noise";

export interface KnnBudgetOptions {
  /** Labelled-set sizes; each is capped at the number of training rows. */
  budgets: readonly number[];
  seeds: readonly number[];
  /** Neighbour counts to vote with, e.g. [1, 5]. */
  ks: readonly number[];
  /** Label-noise rates of the labelled images (noisySubsetLabels). Default [0]. */
  noise?: readonly number[];
  /** Test rows per matmul block. Default 256. */
  block?: number;
  /** Threads that scan a block (default: every thread, as the kernels). The result does not depend on it. */
  threads?: number;
}

export interface KnnResult {
  seed: number;
  /** Labelled training images used (the budget, capped at the training set). */
  labels: number;
  /** Fraction of those labels made wrong. */
  labelNoise: number;
  k: number;
  accuracy: number;
  predictions: Int32Array;
}

/**
 * Test accuracy of k-NN (Euclidean) for every seed × budget × noise × k, in that order.
 * Neighbours are ordered by distance, then by training index (ties go to the smaller index).
 * @param train (n, d) @param trainLabels (n) @param test (m, d) @param testLabels (m)
 */
export function knnLabelBudgets(train: Matrix, trainLabels: Int32Array, test: Matrix, testLabels: Int32Array, options: KnnBudgetOptions): KnnResult[] {
  const n = train.rows;
  if (test.cols !== train.cols) throw new ShapeError(`kNN: test has ${test.cols} features, train ${train.cols}`);
  if (trainLabels.length !== n || testLabels.length !== test.rows)
    throw new ShapeError(`kNN: ${n} training rows with ${trainLabels.length} labels, ${test.rows} test rows with ${testLabels.length} labels`);
  const budgets = [...new Set(options.budgets.map((b) => Math.min(checkInt("budget", b), n)))].sort((a, b) => a - b);
  const kMax = Math.max(...options.ks.map((k) => checkInt("k", k)));
  if (kMax > budgets[0]) throw new ShapeError(`kNN: k = ${kMax} needs at least ${kMax} labelled images; the smallest budget is ${budgets[0]}`);
  const seeds = options.seeds;
  const noise = options.noise ?? [0];
  const classes = Math.max(...trainLabels) + 1;
  // The largest budget may label every image, whatever the seed: its neighbours are then the same
  // for every seed and are kept once ("shared"). The other budgets are kept per seed.
  const S = seeds.length;
  const nb = budgets.length;
  const shared = budgets[nb - 1] === n;
  const perSeed = shared ? nb - 1 : nb;
  // images/levels: for each seed, the images its per-seed budgets label, in index order, each with
  // the first budget that labels it (knn_scan.ts). labelOf[(s·nb + b)·noise.length + q]: the label
  // image j carries under seed s, budget b and noise level q.
  const orders = seeds.map((seed) => labelledSubset(n, seed, n));
  const labelled = orders.map((order) => order.subarray(0, perSeed > 0 ? budgets[perSeed - 1] : 0));
  const seedStart = Int32Array.from({ length: S + 1 }, (_, s) => labelled.slice(0, s).reduce((sum, l) => sum + l.length, 0));
  const images = new Int32Array(new SharedArrayBuffer(seedStart[S] * 4));
  const levels = new Uint8Array(new SharedArrayBuffer(seedStart[S]));
  const labelOf: Int32Array[] = [];
  seeds.forEach((seed, s) => {
    const level = new Uint8Array(n);
    labelled[s].forEach((image, rank) => (level[image] = budgets.findIndex((budget) => rank < budget)));
    const sorted = Int32Array.from(labelled[s]).sort();
    images.set(sorted, seedStart[s]);
    levels.set(
      Array.from(sorted, (image) => level[image]),
      seedStart[s],
    );
    for (const count of budgets) {
      const subset = orders[s].subarray(0, count);
      for (const rate of noise) {
        if (rate === 0) {
          labelOf.push(trainLabels);
          continue;
        }
        const noisy = noisySubsetLabels(trainLabels, subset, rate, classes, seed);
        const all = new Int32Array(n).fill(-1);
        subset.forEach((image, i) => (all[image] = noisy[i]));
        labelOf.push(all);
      }
    }
  });
  const width = slotCount(S, perSeed, shared) * kMax;
  const sharedSlot = S * perSeed;
  const predictions = seeds.flatMap(() => budgets.flatMap(() => noise.flatMap(() => options.ks.map(() => new Int32Array(test.rows)))));
  const votes = new Int32Array(classes);
  const trainNorms = new Float64Array(new SharedArrayBuffer(n * 8));
  trainNorms.set(rowNorms(train));
  const block = Math.min(options.block ?? 256, Math.max(1, test.rows));
  const size = test.dtype === "float64" ? 8 : 4;
  const dots = new SharedArrayBuffer(block * n * size);
  const nearest = new Int32Array(new SharedArrayBuffer(block * width * 4));
  for (let start = 0; start < test.rows; start += block) {
    const end = Math.min(test.rows, start + block);
    const rows = new Matrix(end - start, test.cols, test.data.subarray(start * test.cols, end * test.cols));
    const F = test.dtype === "float64" ? Float64Array : Float32Array;
    matmulTransB(rows, train, new Matrix(end - start, n, new F(dots, 0, (end - start) * n)));
    const scan: ScanBlock = {
      dots,
      float64: size === 8,
      rows: end - start,
      testNorms: rowNorms(rows),
      trainNorms: trainNorms.buffer as SharedArrayBuffer,
      images: images.buffer as SharedArrayBuffer,
      levels: levels.buffer as SharedArrayBuffer,
      seedStart,
      seeds: S,
      perSeed,
      kMax,
      shared,
      nearest: nearest.buffer as SharedArrayBuffer,
    };
    runTask({ module: SCAN_MODULE, name: "scanRows", context: scan }, end - start, options.threads);
    for (let r = 0; r < end - start; r++) {
      let out = 0;
      let labelling = 0;
      for (let s = 0; s < S; s++) {
        for (let b = 0; b < nb; b++) {
          const slot = b < perSeed ? s * perSeed + b : sharedSlot;
          for (let q = 0; q < noise.length; q++) {
            const labelsNow = labelOf[labelling++];
            for (const k of options.ks) predictions[out++][start + r] = vote(nearest, r * width + slot * kMax, k, labelsNow, votes);
          }
        }
      }
    }
  }
  let out = 0;
  return seeds.flatMap((seed) =>
    budgets.flatMap((labels) =>
      noise.flatMap((labelNoise) =>
        options.ks.map((k) => {
          const predicted = predictions[out++];
          let hits = 0;
          for (let i = 0; i < predicted.length; i++) if (predicted[i] === testLabels[i]) hits++;
          return { seed, labels, labelNoise, k, accuracy: hits / Math.max(1, predicted.length), predictions: predicted };
        }),
      ),
    ),
  );
}

/** knn_scan.js beside this file, for the worker threads to load. */
const SCAN_MODULE = path.join(__dirname, "knn_scan.js");

/** The most common label among the k nearest; a tie goes to the smallest label (as scikit-learn). */
function vote(nearest: Int32Array, offset: number, k: number, labels: Int32Array, votes: Int32Array): number {
  votes.fill(0);
  for (let i = 0; i < k; i++) votes[labels[nearest[offset + i]]]++;
  let best = 0;
  for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
  return best;
}
