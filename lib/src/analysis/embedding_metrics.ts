// Numbers to compare embeddings with, not only eyes: trustworthiness (are the points
// that look close in 2-D really close in the original space?) and the accuracy of a
// k-nearest-neighbour vote in the embedding (do classes stay together?).
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { exactKnn, forEachDistanceRow, selectSmallest } from "./neighbors";

/**
 * Trustworthiness at k (Venna & Kaski 2001; as sklearn.manifold.trustworthiness):
 * T = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i} (r(i, j) − k), where U_i are the k
 * nearest neighbours of i in `low` that are not among its k nearest in `high`, and
 * r(i, j) is j's rank among i's neighbours in `high` (1 = nearest). 1 is perfect.
 * Needs k < n/2. Checked against scikit-learn in the tests.
 */
export function trustworthiness(high: Matrix, low: Matrix, k = 15): number {
  const n = high.rows;
  if (low.rows !== n) throw new ShapeError(`trustworthiness: ${n} points in the original space, ${low.rows} in the embedding`);
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2)) throw new ShapeError(`trustworthiness: k must be an integer in [1, n/2) (got ${k} for n = ${n})`);
  const lowKnn = exactKnn(low, k + 1).indices; // +1: the point itself comes first
  const highIdx = new Int32Array(k + 1);
  const highDist = new Float64Array(k + 1);
  const isHighNeighbor = new Uint8Array(n);
  const threshold = new Float64Array(k);
  let penalty = 0;
  forEachDistanceRow(high, (i, d2) => {
    selectSmallest(d2, i, k + 1, highIdx, highDist);
    for (let p = 1; p <= k; p++) isHighNeighbor[highIdx[p]] = 1;
    // The embedding's neighbours that are not neighbours in the original space.
    let v = 0;
    let farthest = 0;
    for (let p = 1; p <= k; p++) {
      const j = lowKnn[i * (k + 1) + p];
      if (isHighNeighbor[j]) continue;
      threshold[v++] = d2[j];
      farthest = Math.max(farthest, d2[j]);
    }
    for (let p = 1; p <= k; p++) isHighNeighbor[highIdx[p]] = 0;
    if (v === 0) return;
    // Their ranks in the original space, in one pass: 1 + the points other than i that
    // are closer (exact ties count as not closer). Most points are farther than all of them.
    const ranks = new Array<number>(v).fill(1);
    for (let m = 0; m < n; m++) {
      const dm = d2[m];
      if (dm >= farthest || m === i) continue;
      for (let t = 0; t < v; t++) if (dm < threshold[t]) ranks[t]++;
    }
    for (let t = 0; t < v; t++) penalty += ranks[t] - k;
  });
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

/**
 * Leave-one-out accuracy of a k-nearest-neighbour majority vote in `points` (the point
 * itself excluded; ties go to the smallest class index, as scikit-learn's classifier).
 */
export function knnAccuracy(points: Matrix, labels: Int32Array, k = 5): number {
  if (labels.length !== points.rows) throw new ShapeError(`knnAccuracy: ${points.rows} points but ${labels.length} labels`);
  const knn = exactKnn(points, k + 1).indices;
  const classes = Math.max(...labels) + 1;
  const votes = new Int32Array(classes);
  let correct = 0;
  for (let i = 0; i < points.rows; i++) {
    votes.fill(0);
    for (let p = 1; p <= k; p++) votes[labels[knn[i * (k + 1) + p]]]++;
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
    if (best === labels[i]) correct++;
  }
  return correct / points.rows;
}

export interface EmbeddingScores {
  /** Trustworthiness of the 2-D embedding at k = 15. */
  trustworthiness: number;
  /** 5-NN leave-one-out class accuracy in 2-D. */
  knnAccuracy2d: number;
  /** The same vote in the latent space itself, for reference. */
  knnAccuracyLatent: number;
}

/** The numbers Lab 2C and 2D report for an embedding of latent codes. */
export function embeddingScores(latent: Matrix, embedding: Matrix, labels: Int32Array): EmbeddingScores {
  return {
    trustworthiness: trustworthiness(latent, embedding, 15),
    knnAccuracy2d: knnAccuracy(embedding, labels, 5),
    knnAccuracyLatent: knnAccuracy(latent, labels, 5),
  };
}
