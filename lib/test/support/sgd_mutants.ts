// E5's wrong SGD for mutants.ts: one mistake of a category, written from scratch the way a
// learner writes it. The catalogue makes these mistakes in correct code; this is the issue's
// own reproduction, kept as independent learner code.
import { Param } from "../../src";

/** SGD that takes the gradient step, then shrinks the NEW w. */
export class DecayAfterStepSGD {
  readonly lr: number;
  readonly weightDecay: number;
  constructor(options: { lr: number; weightDecay?: number }) {
    this.lr = options.lr;
    this.weightDecay = options.weightDecay ?? 0;
  }
  step(params: readonly Param[]): void {
    for (const p of params) {
      for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= this.lr * p.grad.data[i];
      if (p.decay) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= this.lr * this.weightDecay * p.value.data[i];
    }
  }
}
