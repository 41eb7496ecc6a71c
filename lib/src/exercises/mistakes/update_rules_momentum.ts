// E8's SGD-with-momentum mistakes as learners make them (see update_rules.ts for how a flag
// gives both the wrong value and the wrong implementation).
import { Matrix } from "../../tensor";
import type { Param } from "../../layers";
import type { Optimizer } from "../../optim/sgd";
import type { MomentumClass, MomentumOptions } from "../learner_api";
import { startParams } from "../update_run";
import { Mixable } from "./catalogue";
import { ALL, MomentumShows, MomentumMistake, UpdateRuleCase } from "./update_rules";

/** How a momentum variant differs from the lesson's (PyTorch's) classical momentum. */
interface MomentumFlags {
  lrInVelocity?: boolean;
  resetEachStep?: boolean;
  shared?: boolean;
  dampened?: boolean;
  nesterov?: boolean;
  decayOutsideVelocity?: boolean;
  decayEverywhere?: boolean;
  noDecay?: boolean;
}

/** What a momentum step reads: the current lr, μ and λ (the learner's own fields in a wrong implementation). */
interface MomentumHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}

class MomentumVariant {
  private velocity: Float64Array[] = [];

  constructor(private readonly flags: MomentumFlags) {}

  step(params: readonly Param[], h: MomentumHyper): void {
    const f = this.flags;
    if (f.resetEachStep || this.velocity.length === 0) {
      const largest = Math.max(...params.map((p) => p.value.data.length));
      this.velocity = f.shared
        ? params.map(() => new Float64Array(0)).fill(new Float64Array(largest))
        : params.map((p) => new Float64Array(p.value.data.length));
    }
    params.forEach((p, k) => {
      const w = p.value.data;
      const v = this.velocity[k];
      const decays = (p.decay || f.decayEverywhere) && !f.noDecay;
      const lambda = decays ? h.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const g = p.grad.data[i] + (f.decayOutsideVelocity ? 0 : lambda * w[i]);
        if (f.lrInVelocity) {
          v[i] = h.momentum * v[i] - h.lr * g;
          w[i] += v[i];
          continue;
        }
        v[i] = h.momentum * v[i] + (f.dampened ? 1 - h.momentum : 1) * g;
        const direction = f.nesterov ? g + h.momentum * v[i] : v[i];
        w[i] -= h.lr * (direction + (f.decayOutsideVelocity ? lambda * w[i] : 0));
      }
    });
  }
}

/** Param c.i after c.steps steps of the variant on the case's run. */
function replayMomentum(c: UpdateRuleCase<MomentumOptions>, flags: MomentumFlags, lrFixed = false): Matrix {
  const params = startParams(c.run);
  const variant = new MomentumVariant(flags);
  const h = { lr: c.options.lr, momentum: c.options.momentum ?? 0.9, weightDecay: c.options.weightDecay ?? 0 };
  for (let s = 0; s < c.steps; s++) {
    params.forEach((p, i) => p.grad.data.set(c.run.grads[s][i].data));
    variant.step(params, { ...h, lr: lrFixed ? c.run.lrs[0] : c.run.lrs[s] });
  }
  return params[c.i].value;
}

type MomentumLike = Optimizer & { momentum: number };

/** The learner's class with its step replaced by the variant; `lrFixed` reads lr once, at the first step. */
function momentumWith(flags: MomentumFlags, lrFixed = false): (Correct: MomentumClass) => MomentumClass {
  return (Correct) =>
    class extends (Correct as Mixable<MomentumLike>) {
      private readonly variant = new MomentumVariant(flags);
      private firstLr: number | null = null;
      override step(params: readonly Param[]): void {
        this.firstLr ??= this.lr;
        this.variant.step(params, { lr: lrFixed ? this.firstLr : this.lr, momentum: this.momentum, weightDecay: this.weightDecay });
      }
    };
}

function momentumMistake(id: string, shows: MomentumShows[], hint: string, flags: MomentumFlags, lrFixed = false): MomentumMistake {
  return { id, exercise: "E8", shows, hint, value: (c) => replayMomentum(c, flags, lrFixed), wrong: momentumWith(flags, lrFixed) };
}

export const MOMENTUM_MISTAKES: readonly MomentumMistake[] = [
  momentumMistake(
    "lr inside the velocity",
    ["lr changed"],
    "the velocity holds lr·g (v = μ·v − lr·g, p := p + v, the CS231n notes' convention): when lr changes, the old steps keep the old lr. The lesson's (PyTorch's) convention keeps lr out of v: v = μ·v + g, p := p − lr·v",
    { lrInVelocity: true },
  ),
  momentumMistake(
    "lr read once",
    ["lr changed"],
    "the step kept the lr of the first step: read this.lr in every step (fit's lrSchedule changes it between epochs)",
    {},
    true,
  ),
  momentumMistake(
    "velocity reset every step",
    ALL,
    "the velocity starts from 0 at every step, so this is plain SGD: keep v between steps (in a field of the optimiser), one per param",
    { resetEachStep: true },
  ),
  momentumMistake(
    "one velocity shared by every param",
    ALL,
    "every param updates the same velocity buffer: keep one velocity per param (e.g. an array of buffers in the order of params)",
    { shared: true },
  ),
  momentumMistake(
    "dampened velocity",
    ALL,
    "the velocity is an average, v = μ·v + (1 − μ)·g: that is Adam's first moment. Momentum adds the whole gradient: v = μ·v + g",
    { dampened: true },
  ),
  momentumMistake("Nesterov's step", ALL, "the step goes along g + μ·v (Nesterov's variant): classical momentum steps along v itself", { nesterov: true }),
  momentumMistake(
    "decay kept out of the velocity",
    ["weights"],
    "λ·w is added to the step but not to the velocity: add it to the gradient first (g = grad + λ·w), then update v with that g",
    { decayOutsideVelocity: true },
  ),
  momentumMistake("weight decay missing", ["weights"], "weight decay is missing: add λ·w to the gradient of params with decay: true", { noDecay: true }),
  momentumMistake(
    "L2 applied to biases and γ/β",
    ["not decayed"],
    "L2 is applied to a param with decay: false (a bias, γ or β): decay only where p.decay is true",
    { decayEverywhere: true },
  ),
];
