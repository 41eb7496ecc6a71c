// E3's wrong losses for mutants.ts. noMaxShift is not catalogue-shaped (a softmax without the
// max shift, named by the stability check's fallback); oneMaxForTheBatch is one mistake of a
// category, written from scratch the way a learner writes it: the catalogue makes these
// mistakes in correct code; this is the issue's own reproduction, kept as independent learner
// code.
import { LossAndGrad, Matrix } from "../../src";

/** Softmax cross-entropy with exp of the raw logits: no max shift. */
export function noMaxShift(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const grad = new Matrix(n, logits.cols, logits.dtype);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = Array.from(logits.row(i), Math.exp);
    const sum = e.reduce((s, v) => s + v, 0);
    loss -= Math.log(e[labels[i]] / sum) / n;
    e.forEach((v, j) => grad.set(i, j, (v / sum - (j === labels[i] ? 1 : 0)) / n));
  }
  return { loss, grad };
}

/** Softmax cross-entropy shifted by one max for the whole batch. */
export function oneMaxForTheBatch(logits: Matrix, labels: Int32Array): LossAndGrad {
  const n = logits.rows;
  const max = Math.max(...logits.data); // the mistake: one max, not each row's
  const grad = new Matrix(n, logits.cols, logits.dtype);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = Array.from(logits.row(i), (z) => Math.exp(z - max));
    const sum = e.reduce((s, v) => s + v, 0);
    loss += (Math.log(sum) - (logits.get(i, labels[i]) - max)) / n; // log-sum-exp, as taught
    e.forEach((v, j) => grad.set(i, j, (v / sum - (j === labels[i] ? 1 : 0)) / n));
  }
  return { loss, grad };
}
