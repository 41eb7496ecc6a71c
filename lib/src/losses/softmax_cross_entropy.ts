// Softmax + cross-entropy fused into one numerically stable step: the row max is
// subtracted before exponentiating, and the loss is log-sum-exp minus the true logit,
// so logits of ±1e4 give finite values instead of Infinity/NaN.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";

export interface LossAndGrad {
  /** Mean loss over the batch. */
  loss: number;
  /** ∂loss/∂input, same shape as the input. */
  grad: Matrix;
}

/** Throws unless `labels` holds N integer class indices in [0, classes). */
export function checkLabels(labels: Int32Array, n: number, classes: number): void {
  if (labels.length !== n) {
    throw new ShapeError(`labels: expected ${n} labels (one per row), got ${labels.length}`);
  }
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (c < 0 || c >= classes) {
      throw new ShapeError(`labels[${i}] = ${c} is not a class index in [0, ${classes - 1}]`);
    }
  }
}

/** Row-wise softmax probabilities. @param logits (N, C) @returns (N, C), rows sum to 1 */
export function softmax(logits: Matrix): Matrix {
  const p = new Matrix(logits.rows, logits.cols, logits.dtype);
  const Z = logits.data;
  const P = p.data;
  const c = logits.cols;
  for (let i = 0; i < logits.rows; i++) {
    const o = i * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) if (Z[o + j] > max) max = Z[o + j];
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(Z[o + j] - max);
      P[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) P[o + j] /= sum;
  }
  return p;
}

/**
 * Mean cross-entropy of softmax(logits) against integer labels, and its gradient.
 * @param logits (N, C) raw scores
 * @param labels (N) class indices in [0, C)
 * @returns loss = mean_n [log Σ_j e^z_nj − z_n,y_n], grad = (softmax − onehot) / N (N, C)
 */
export function softmaxCrossEntropy(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const c = logits.cols;
  checkLabels(labels, n, c);
  const grad = softmax(logits);
  const Z = logits.data;
  const P = grad.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) if (Z[o + j] > max) max = Z[o + j];
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(Z[o + j] - max);
    total += max + Math.log(sum) - Z[o + labels[i]];
    P[o + labels[i]] -= 1;
  }
  for (let k = 0; k < P.length; k++) P[k] /= n;
  return { loss: total / n, grad };
}
