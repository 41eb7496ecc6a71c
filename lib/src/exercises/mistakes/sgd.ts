// E5's mistakes: the SGD step with L2 weight decay as learners get it wrong. Each wrong
// implementation is a correct SGD class changed through its public face (its constructor's
// lr and weightDecay, and step).
import { Matrix } from "../../tensor";
import type { Param } from "../../layers";
import type { Optimizer } from "../../optim/sgd";
import type { SGDClass } from "../learner_api";
import type { SGDRun } from "../check_cases";
import { mapMatrix } from "../matrix_ops";
import { Mistake, Mixable } from "./catalogue";

/** One param of a three-step run, with the step's lr and weight decay. */
export interface SGDCase {
  run: SGDRun;
  /** Which param. */
  i: number;
  lr: number;
  weightDecay: number;
}

/** The checks: a plain step (no decay), the decayed weights, the params with decay: false. */
export type SGDMistake = Mistake<SGDClass, SGDCase, "plain step" | "weights" | "not decayed">;

/** A correct SGD whose step is replaced by `step`, which may use a correct SGD of any lr and weightDecay. */
function withStep(
  step: (params: readonly Param[], lr: number, weightDecay: number, correct: (lr: number, weightDecay: number) => Optimizer) => void,
): (Correct: SGDClass) => SGDClass {
  return (Correct) =>
    class extends (Correct as Mixable<Optimizer>) {
      override step(params: readonly Param[]): void {
        step(params, this.lr, this.weightDecay, (lr, weightDecay) => new Correct({ lr, weightDecay }));
      }
    };
}

export const SGD_MISTAKES: readonly SGDMistake[] = [
  {
    id: "gradient ascent",
    exercise: "E5",
    shows: ["plain step", "not decayed"],
    hint: "the step goes up the gradient: SGD subtracts, p := p − lr·grad",
    value: (c) => simulate(c, () => 0, +1),
    wrong: withStep((params, lr, wd, correct) => correct(-lr, wd).step(params)),
  },
  {
    id: "lr not applied",
    exercise: "E5",
    shows: ["plain step"],
    hint: "lr is not applied: p := p − lr·grad",
    value: (c) => simulate({ ...c, lr: 1 }, () => 0),
    wrong: withStep((params, lr, wd, correct) => correct(1, lr * wd).step(params)),
  },
  {
    id: "params unchanged",
    exercise: "E5",
    shows: ["plain step"],
    hint: "the params did not change: step must update p.value.data in place",
    value: (c) => c.run.start[c.i],
    wrong: withStep(() => undefined),
  },
  {
    id: "weight decay missing",
    exercise: "E5",
    shows: ["weights"],
    hint: "weight decay is missing: add λ·w to the gradient of params with decay: true",
    value: (c) => simulate(c, () => 0),
    wrong: withStep((params, lr, _wd, correct) => correct(lr, 0).step(params)),
  },
  {
    id: "decay not multiplied by lr",
    exercise: "E5",
    shows: ["weights"],
    hint: "λ·w is not multiplied by lr: w := w − lr·(grad + λ·w)",
    value: (c) => simulate(c, () => c.weightDecay / c.lr),
    wrong: withStep((params, lr, wd) => {
      for (const p of params) p.value.data.forEach((w, i, a) => (a[i] = w - lr * p.grad.data[i] - (p.decay ? wd : 0) * w));
    }),
  },
  {
    id: "λ/2 instead of λ",
    exercise: "E5",
    shows: ["weights"],
    hint: "the decay term is λ/2·w; the gradient of λ/2·‖w‖² is λ·w",
    value: (c) => simulate(c, () => c.weightDecay / 2),
    wrong: withStep((params, lr, wd, correct) => correct(lr, wd / 2).step(params)),
  },
  {
    id: "decay with the wrong sign",
    exercise: "E5",
    shows: ["weights"],
    hint: "the decay has the wrong sign: it pulls weights toward 0, w := w − lr·(grad + λ·w)",
    value: (c) => simulate(c, () => -c.weightDecay),
    wrong: withStep((params, lr, wd, correct) => correct(lr, -wd).step(params)),
  },
  {
    id: "decay applied after the step",
    exercise: "E5",
    shows: ["weights"],
    hint: "the decay is applied after the step, to the already updated w: both terms use the w from before the step, w := w − lr·(grad + λ·w) (add λ·w to the gradient first, then take one step)",
    value: (c) => simulateDecayAfterStep(c),
    wrong: withStep((params, lr, wd, correct) => {
      correct(lr, 0).step(params);
      for (const p of params) if (p.decay) p.value.data.forEach((w, i, a) => (a[i] = w - lr * wd * w));
    }),
  },
  {
    id: "L2 applied to biases and γ/β",
    exercise: "E5",
    shows: ["not decayed"],
    hint: "L2 is applied to a param with decay: false (a bias, γ or β): decay only where p.decay is true",
    value: (c) => simulate(c, () => c.weightDecay),
    wrong: withStep((params, lr, wd, correct) => correct(lr, wd).step(params.map((p) => ({ ...p, decay: true })))),
  },
];

/** Param i after the run's three steps of w := w + sign·lr·(g + k·w), with k chosen by the param's decay flag. */
function simulate(c: SGDCase, decayOf: (decay: boolean) => number, sign = -1): Matrix {
  let w = c.run.start[c.i].clone();
  const k = decayOf(c.run.ref[c.i].decay);
  for (const g of c.run.grads) w = mapMatrix(w, (v, r, col) => v + sign * c.lr * (g[c.i].get(r, col) + k * v));
  return w;
}

/** Param i after three steps of w := w − lr·grad followed by w := w − lr·λ·w on the NEW w (decay after the step). */
function simulateDecayAfterStep(c: SGDCase): Matrix {
  let w = c.run.start[c.i].clone();
  const decay = c.run.ref[c.i].decay ? c.weightDecay : 0;
  for (const g of c.run.grads) {
    w = mapMatrix(w, (v, r, col) => v - c.lr * g[c.i].get(r, col));
    w = mapMatrix(w, (v) => v - c.lr * decay * v);
  }
  return w;
}
