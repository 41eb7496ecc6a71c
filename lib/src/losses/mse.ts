// Mean squared error, averaged over every element (rows and columns), as PyTorch's
// MSELoss(reduction="mean"); for images that is the mean over all pixels.
import { Matrix, assertSameShape, keptOutputFor } from "../tensor";
import { meanSquaredDiff } from "../kernels";
import type { LossAndGrad } from "./softmax_cross_entropy";

/**
 * @param pred (N, D) @param target (N, D)
 * @param out where to write the gradient, reused when it has the right shape
 * @returns loss = Σ (pred − target)² / (N·D), grad = 2·(pred − target) / (N·D) (N, D)
 */
export function meanSquaredError(pred: Matrix, target: Matrix, out?: Matrix): LossAndGrad {
  assertSameShape(pred, target, "meanSquaredError(pred, target)");
  const grad = keptOutputFor(out ?? null, pred.rows, pred.cols, pred.dtype);
  return { loss: meanSquaredDiff(pred, target, grad), grad };
}

/** Just the loss of meanSquaredError, without writing a gradient. */
export function meanSquaredErrorValue(pred: Matrix, target: Matrix): number {
  return meanSquaredDiff(pred, target);
}
