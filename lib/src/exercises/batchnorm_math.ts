// BatchNorm's quantities computed plainly, per column, so the grader can build the values
// of the classic mistakes (no eps, unbiased variance, a missing path in backward, …).
import { Matrix } from "../tensor";
import { mapMatrix } from "./matrix_ops";
import type { BatchNormCase } from "./check_cases";

// Not the defaults (0.9, 1e-5), so a hard-coded value shows, and eps large enough to matter.
export const CHECK_MOMENTUM = 0.8;
export const CHECK_EPS = 1e-3;

export interface ColumnStats {
  mean: number[];
  /** Biased: divided by N. */
  variance: number[];
  /** Unbiased: divided by N − 1. */
  unbiased: number[];
}

export function columnStats(x: Matrix): ColumnStats {
  const n = x.rows;
  const mean = columnMeans(x);
  const sq = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < x.cols; j++) sq[j] += (x.get(i, j) - mean[j]) ** 2;
  return { mean, variance: sq.map((s) => s / n), unbiased: sq.map((s) => s / Math.max(1, n - 1)) };
}

/** γ·(x − mean)/scale + β, with scale per column. */
export function normalizeWith(x: Matrix, mean: readonly number[], scale: readonly number[], gamma: Matrix, beta: Matrix): Matrix {
  return mapMatrix(x, (v, _i, j) => (gamma.data[j] * (v - mean[j])) / scale[j] + beta.data[j]);
}

/** Column means of a matrix, as a plain array. */
export function columnMeans(m: Matrix): number[] {
  const out = new Array<number>(m.cols).fill(0);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j] += m.get(i, j) / m.rows;
  return out;
}

/**
 * Training-mode dX built from the paths the learner kept: γ·invStd·(dOut − [mean path] − [variance path]),
 * where the mean path is mean_n(dOut) and the variance path x̂·mean_n(dOut·x̂).
 */
export function batchNormDx(dOut: Matrix, xHat: Matrix, gamma: Matrix, invStd: readonly number[], paths: { mean: boolean; variance: boolean }): Matrix {
  const meanDOut = columnMeans(dOut);
  const meanDOutXHat = columnMeans(mapMatrix(dOut, (v, i, j) => v * xHat.get(i, j)));
  return mapMatrix(dOut, (v, i, j) => {
    const centred = v - (paths.mean ? meanDOut[j] : 0) - (paths.variance ? xHat.get(i, j) * meanDOutXHat[j] : 0);
    return gamma.data[j] * invStd[j] * centred;
  });
}

/** Running statistics after `batches`, from mean 0 and variance 1, under a given update rule. */
export function runningAfter(
  batches: readonly Matrix[],
  update: (old: number, batch: number) => number,
  unbiased: boolean,
): { mean: Matrix; variance: Matrix } {
  const d = batches[0].cols;
  const mean = new Matrix(1, d, "float64");
  const variance = new Matrix(1, d, "float64");
  variance.data.fill(1);
  for (const b of batches) {
    const s = columnStats(b);
    for (let j = 0; j < d; j++) {
      mean.data[j] = update(mean.data[j], s.mean[j]);
      variance.data[j] = update(variance.data[j], unbiased ? s.unbiased[j] : s.variance[j]);
    }
  }
  return { mean, variance };
}

/** The batch a layer sees before the one checked, so backward must use its latest forward. */
export const decoyOf = (c: BatchNormCase): Matrix => c.batches[1];

/** Running statistics under the check's momentum after `batches` in training mode. */
export const runningAfterBatches = (batches: readonly Matrix[]): { mean: Matrix; variance: Matrix } =>
  runningAfter(batches, (old, batch) => CHECK_MOMENTUM * old + (1 - CHECK_MOMENTUM) * batch, false);

/** Running statistics after the decoy and the first batch (what a fresh layer holds at backward). */
export const runningAfterTwo = (c: BatchNormCase): { mean: Matrix; variance: Matrix } => runningAfterBatches([decoyOf(c), c.batches[0]]);

/** x̂ and 1/√(σ² + eps) of a batch, with the biased variance. */
export function normalized(x: Matrix): { xHat: Matrix; invStd: number[] } {
  const s = columnStats(x);
  const invStd = s.variance.map((v) => 1 / Math.sqrt(v + CHECK_EPS));
  return { xHat: mapMatrix(x, (v, _i, j) => (v - s.mean[j]) * invStd[j]), invStd };
}
