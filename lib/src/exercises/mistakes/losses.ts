// E3's mistakes: softmax cross-entropy and mean squared error as learners get them wrong.
// Each wrong implementation calls a correct loss function and changes what it returns, so it
// applies to any correct learner's function. A mistake in the loss and one in the grad are
// separate entries: the loss is a number, the grad a matrix, and each has its own hint.
import { Matrix } from "../../tensor";
import type { LossAndGrad } from "../../losses";
import { softmax } from "../../losses";
import type { MseFunction, SoftmaxCrossEntropyFunction } from "../learner_api";
import type { MseCase, SceCase } from "../check_cases";
import { scaled } from "../matrix_ops";
import { Mistake } from "./catalogue";

export type SceLossMistake = Mistake<SoftmaxCrossEntropyFunction, SceCase, "loss", number>;
export type SceGradMistake = Mistake<SoftmaxCrossEntropyFunction, SceCase, "grad">;
export type MseLossMistake = Mistake<MseFunction, MseCase, "loss", number>;
export type MseGradMistake = Mistake<MseFunction, MseCase, "grad">;

/** A correct loss function whose result is changed by `change` (given its inputs). */
function changed<B>(change: (r: LossAndGrad, a: Matrix, b: B) => LossAndGrad): (correct: (a: Matrix, b: B) => LossAndGrad) => (a: Matrix, b: B) => LossAndGrad {
  return (correct) => (a, b) => {
    const r = correct(a, b);
    return change({ loss: r.loss, grad: r.grad.clone() }, a, b);
  };
}
const withGrad = (r: LossAndGrad, f: (g: number, i: number) => number): LossAndGrad => ({
  loss: r.loss,
  grad: new Matrix(r.grad.rows, r.grad.cols, Float64Array.from(r.grad.data, f)),
});

export const SCE_LOSS_MISTAKES: readonly SceLossMistake[] = [
  {
    id: "cross-entropy loss summed, not averaged",
    exercise: "E3",
    shows: ["loss"],
    hint: "the loss is the sum over the batch: divide by N for the mean",
    value: (c) => c.ref.loss * c.logits.rows,
    wrong: changed((r, logits) => ({ ...r, loss: r.loss * logits.rows })),
  },
  {
    id: "cross-entropy loss with the wrong sign",
    exercise: "E3",
    shows: ["loss"],
    hint: "the loss has the wrong sign: cross-entropy is −log p[y], a positive number",
    value: (c) => -c.ref.loss,
    wrong: changed((r) => ({ ...r, loss: -r.loss })),
  },
  {
    id: "cross-entropy loss divided by N·C",
    exercise: "E3",
    shows: ["loss"],
    hint: "the loss is divided by N·C; the mean is over the N rows only",
    value: (c) => c.ref.loss / c.logits.cols,
    wrong: changed((r, logits) => ({ ...r, loss: r.loss / logits.cols })),
  },
];

/** Shifting every row by the batch's one max, as a correct function would give it: rows whose every e^(z − max) underflows to 0 get 0/0 = NaN. */
function oneMaxForTheBatch(correct: SoftmaxCrossEntropyFunction): SoftmaxCrossEntropyFunction {
  return (logits, labels) => {
    const r = correct(logits, labels);
    const grad = r.grad.clone();
    const max = Math.max(...logits.data);
    let loss = r.loss;
    for (let i = 0; i < logits.rows; i++) {
      if (!logits.row(i).every((z) => Math.exp(z - max) === 0)) continue;
      grad.data.fill(Number.NaN, i * grad.cols, (i + 1) * grad.cols);
      loss = Number.NaN;
    }
    return { loss, grad };
  };
}

/** Named by the stability check's rows-alone diagnosis, not by a value: the NaN and Infinity a batch max gives depend on how the rest of the loss is written. */
export const ONE_MAX_FOR_THE_BATCH: SceGradMistake = {
  id: "softmax shifted by one max for the whole batch",
  exercise: "E3",
  shows: [],
  hint: "the logits are shifted by one max for the whole batch: a row whose own max is more than ~745 below it underflows to e^(z − max) = 0 in every column (0/0 = NaN, log 0 = −∞). Each row alone gives the right answer; subtract each row's own max",
  value: () => null,
  wrong: oneMaxForTheBatch,
};

export const SCE_GRAD_MISTAKES: readonly SceGradMistake[] = [
  {
    id: "cross-entropy grad without 1/N",
    exercise: "E3",
    shows: ["grad"],
    hint: "the 1/N is forgotten: the loss is a mean over N rows, so grad = (softmax − onehot) / N",
    value: (c) => scaled(c.ref.grad, c.logits.rows),
    wrong: changed((r, logits) => withGrad(r, (g) => g * logits.rows)),
  },
  {
    id: "one-hot not subtracted",
    exercise: "E3",
    shows: ["grad"],
    hint: "the true class's 1 is not subtracted: grad = (softmax − onehot) / N",
    value: (c) => scaled(softmax(c.logits), 1 / c.logits.rows),
    wrong: changed((r, logits, labels) => withGrad(r, (g, i) => g + (labels[Math.floor(i / logits.cols)] === i % logits.cols ? 1 / logits.rows : 0))),
  },
  {
    id: "cross-entropy grad is the softmax",
    exercise: "E3",
    shows: ["grad"],
    hint: "grad is the softmax itself: subtract 1 at each row's true class, then divide by N",
    value: (c) => softmax(c.logits),
    wrong: changed((r, logits, labels) => withGrad(r, (g, i) => g * logits.rows + (labels[Math.floor(i / logits.cols)] === i % logits.cols ? 1 : 0))),
  },
  {
    id: "cross-entropy grad with the wrong sign",
    exercise: "E3",
    shows: ["grad"],
    hint: "the sign is flipped: grad = (softmax − onehot) / N, not (onehot − softmax) / N",
    value: (c) => scaled(c.ref.grad, -1),
    wrong: changed((r) => withGrad(r, (g) => -g)),
  },
  ONE_MAX_FOR_THE_BATCH,
];

const count = (m: Matrix): number => m.rows * m.cols;

export const MSE_LOSS_MISTAKES: readonly MseLossMistake[] = [
  {
    id: "MSE loss summed",
    exercise: "E3",
    shows: ["loss"],
    hint: "the loss is a sum: divide by N·D, the number of values",
    value: (c) => c.ref.loss * count(c.pred),
    wrong: changed((r, pred) => ({ ...r, loss: r.loss * count(pred) })),
  },
  {
    id: "MSE loss divided by N only",
    exercise: "E3",
    shows: ["loss"],
    hint: "the loss is divided by N only: average over all N·D values (rows and columns), as the engine and PyTorch do",
    value: (c) => c.ref.loss * c.pred.cols,
    wrong: changed((r, pred) => ({ ...r, loss: r.loss * pred.cols })),
  },
  {
    id: "MSE loss square-rooted",
    exercise: "E3",
    shows: ["loss"],
    hint: "that is the root of the mean squared error; MSE has no square root",
    value: (c) => Math.sqrt(c.ref.loss),
    wrong: changed((r) => ({ ...r, loss: Math.sqrt(r.loss) })),
  },
];

export const MSE_GRAD_MISTAKES: readonly MseGradMistake[] = [
  {
    id: "MSE grad without the 2",
    exercise: "E3",
    shows: ["grad"],
    hint: "the factor 2 is missing: d/dp (p − t)² = 2·(p − t)",
    value: (c) => scaled(c.ref.grad, 0.5),
    wrong: changed((r) => withGrad(r, (g) => g / 2)),
  },
  {
    id: "MSE grad without 1/(N·D)",
    exercise: "E3",
    shows: ["grad"],
    hint: "the 1/(N·D) is forgotten: the loss is a mean, so its gradient is divided by N·D too",
    value: (c) => scaled(c.ref.grad, count(c.pred)),
    wrong: changed((r, pred) => withGrad(r, (g) => g * count(pred))),
  },
  {
    id: "MSE grad divided by N only",
    exercise: "E3",
    shows: ["grad"],
    hint: "the grad is divided by N only: divide by N·D, like the loss",
    value: (c) => scaled(c.ref.grad, c.pred.cols),
    wrong: changed((r, pred) => withGrad(r, (g) => g * pred.cols)),
  },
  {
    id: "MSE grad with the wrong sign",
    exercise: "E3",
    shows: ["grad"],
    hint: "the sign is flipped: the gradient with respect to pred is 2·(pred − target)/(N·D)",
    value: (c) => scaled(c.ref.grad, -1),
    wrong: changed((r) => withGrad(r, (g) => -g)),
  },
];
