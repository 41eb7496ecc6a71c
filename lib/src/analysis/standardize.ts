// Feature scaling with training-set statistics: each column minus its training mean,
// divided by its training standard deviation. Distances (kNN) and SGD's step sizes both
// depend on the features' scale, so every feature set a comparison uses is scaled the same way.
import { Matrix } from "../tensor";

export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
  /** (x − mean) / std, column by column, as a new float32 matrix. */
  apply(x: Matrix): Matrix;
}

/**
 * Column statistics of `train`. A column whose standard deviation is below `minStd` is
 * divided by `minStd` instead, so near-constant columns (border pixels that are almost
 * always 0) are not blown up into noise.
 */
export function standardizer(train: Matrix, minStd: number): Standardizer {
  const d = train.cols;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < train.rows; i++) for (let j = 0; j < d; j++) mean[j] += train.data[i * d + j];
  mean.forEach((v, j) => (mean[j] = v / Math.max(1, train.rows)));
  for (let i = 0; i < train.rows; i++) for (let j = 0; j < d; j++) sq[j] += (train.data[i * d + j] - mean[j]) ** 2;
  const std = Float64Array.from(sq, (s) => Math.max(minStd, Math.sqrt(s / Math.max(1, train.rows))));
  return {
    mean,
    std,
    apply(x: Matrix): Matrix {
      const out = new Matrix(x.rows, d, "float32");
      for (let i = 0; i < x.rows; i++) for (let j = 0; j < d; j++) out.data[i * d + j] = (x.data[i * d + j] - mean[j]) / std[j];
      return out;
    },
  };
}
