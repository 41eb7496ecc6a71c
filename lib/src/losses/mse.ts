// Mean squared error, averaged over every element (rows and columns), as PyTorch's
// MSELoss(reduction="mean"); for images that is the mean over all pixels.
import { Matrix, assertSameShape } from "../tensor";
import type { LossAndGrad } from "./softmax_cross_entropy";

/**
 * @param pred (N, D) @param target (N, D)
 * @returns loss = Σ (pred − target)² / (N·D), grad = 2·(pred − target) / (N·D) (N, D)
 */
export function meanSquaredError(pred: Matrix, target: Matrix): LossAndGrad {
  assertSameShape(pred, target, "meanSquaredError(pred, target)");
  const count = pred.data.length;
  const grad = new Matrix(pred.rows, pred.cols, pred.dtype);
  const P = pred.data;
  const T = target.data;
  const G = grad.data;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const diff = P[i] - T[i];
    total += diff * diff;
    G[i] = (2 * diff) / count;
  }
  return { loss: count === 0 ? 0 : total / count, grad };
}
