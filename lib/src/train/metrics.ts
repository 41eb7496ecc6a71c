// Reconstruction quality in the units people report: MSE over all pixels, its root, and
// PSNR for pixels in [0, 1] (peak 1): 10·log10(1 / MSE) decibels.
import { Matrix } from "../tensor";
import { meanSquaredDiff } from "../kernels";

export interface ReconstructionScores {
  mse: number;
  rmse: number;
  /** Decibels; higher is better. */
  psnr: number;
}

export function reconstructionScores(images: Matrix, reconstructions: Matrix): ReconstructionScores {
  const mse = meanSquaredDiff(reconstructions, images);
  return { mse, rmse: Math.sqrt(mse), psnr: 10 * Math.log10(1 / mse) };
}

/** Indices of the first `perClass` examples of each class, class by class (for image grids). */
export function firstOfEachClass(labels: Int32Array, classes: number, perClass = 1): Int32Array {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < classes && picked[c].length < perClass) picked[c].push(i);
  }
  return Int32Array.from(picked.flat());
}
