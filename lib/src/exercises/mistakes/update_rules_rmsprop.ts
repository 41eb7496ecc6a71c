// E8's RMSProp mistakes as learners make them (see update_rules.ts).
import { Matrix } from "../../tensor";
import type { Param } from "../../layers";
import type { Optimizer } from "../../optim/sgd";
import type { RMSPropClass, RMSPropOptions } from "../learner_api";
import { startParams } from "../update_run";
import { Mixable } from "./catalogue";
import { ALL, RMSPropShows, RMSPropMistake, UpdateRuleCase } from "./update_rules";

interface RMSPropFlags {
  epsInsideSqrt?: boolean;
  resetEachStep?: boolean;
  shared?: boolean;
  noOneMinusAlpha?: boolean;
  alphaSwapped?: boolean;
  noSqrt?: boolean;
  biasCorrected?: boolean;
  decayEverywhere?: boolean;
  noDecay?: boolean;
}

interface RMSPropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
}

class RMSPropVariant {
  private square: Float64Array[] = [];
  private t = 0;

  constructor(private readonly flags: RMSPropFlags) {}

  step(params: readonly Param[], h: RMSPropHyper): void {
    const f = this.flags;
    if (f.resetEachStep || this.square.length === 0) {
      const largest = Math.max(...params.map((p) => p.value.data.length));
      this.square = f.shared ? params.map(() => new Float64Array(0)).fill(new Float64Array(largest)) : params.map((p) => new Float64Array(p.value.data.length));
    }
    this.t += 1;
    const [keep, add] = f.alphaSwapped ? [1 - h.alpha, h.alpha] : [h.alpha, f.noOneMinusAlpha ? 1 : 1 - h.alpha];
    const correction = f.biasCorrected ? 1 - h.alpha ** this.t : 1;
    params.forEach((p, k) => {
      const w = p.value.data;
      const s = this.square[k];
      const lambda = (p.decay || f.decayEverywhere) && !f.noDecay ? h.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const g = p.grad.data[i] + lambda * w[i];
        s[i] = keep * s[i] + add * g * g;
        const mean = s[i] / correction;
        const scale = f.noSqrt ? mean + h.eps : f.epsInsideSqrt ? Math.sqrt(mean + h.eps) : Math.sqrt(mean) + h.eps;
        w[i] -= (h.lr * g) / scale;
      }
    });
  }
}

function rmspropHyper(o: RMSPropOptions, lr: number): RMSPropHyper {
  return { lr, alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0 };
}

function replayRMSProp(c: UpdateRuleCase<RMSPropOptions>, flags: RMSPropFlags, lrFixed = false): Matrix {
  const params = startParams(c.run);
  const variant = new RMSPropVariant(flags);
  for (let s = 0; s < c.steps; s++) {
    params.forEach((p, i) => p.grad.data.set(c.run.grads[s][i].data));
    variant.step(params, rmspropHyper(c.options, lrFixed ? c.run.lrs[0] : c.run.lrs[s]));
  }
  return params[c.i].value;
}

type RMSPropLike = Optimizer & { alpha: number; eps: number };

function rmspropWith(flags: RMSPropFlags, lrFixed = false): (Correct: RMSPropClass) => RMSPropClass {
  return (Correct) =>
    class extends (Correct as Mixable<RMSPropLike>) {
      private readonly variant = new RMSPropVariant(flags);
      private firstLr: number | null = null;
      override step(params: readonly Param[]): void {
        this.firstLr ??= this.lr;
        this.variant.step(params, { lr: lrFixed ? this.firstLr : this.lr, alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay });
      }
    };
}

function rmspropMistake(id: string, shows: RMSPropShows[], hint: string, flags: RMSPropFlags, lrFixed = false): RMSPropMistake {
  return { id, exercise: "E8", shows, hint, value: (c) => replayRMSProp(c, flags, lrFixed), wrong: rmspropWith(flags, lrFixed) };
}

export const RMSPROP_MISTAKES: readonly RMSPropMistake[] = [
  rmspropMistake("ε inside the square root", ALL, "ε is inside the square root: the step divides by √s + ε, not √(s + ε)", { epsInsideSqrt: true }),
  rmspropMistake("no square root", ALL, "the step divides by s itself: divide by its square root, √s + ε (s averages g², so √s has the units of g)", {
    noSqrt: true,
  }),
  rmspropMistake("(1 − α) missing", ALL, "the new g² is added whole: s is an average, s = α·s + (1 − α)·g²", { noOneMinusAlpha: true }),
  rmspropMistake("α and 1 − α swapped", ALL, "α and 1 − α are swapped: α (0.99) keeps the old average, 1 − α weighs the new g²", { alphaSwapped: true }),
  rmspropMistake(
    "bias-corrected like Adam",
    ALL,
    "s is bias-corrected as in Adam: RMSProp (as PyTorch defines it) has no correction, it divides by √s + ε with s as it is",
    { biasCorrected: true },
  ),
  rmspropMistake(
    "average reset every step",
    ALL,
    "the average of g² starts from 0 at every step: keep s between steps (in a field of the optimiser), one per param",
    { resetEachStep: true },
  ),
  rmspropMistake("one average shared by every param", ALL, "every param updates the same buffer of g²: keep one per param", { shared: true }),
  rmspropMistake(
    "lr read once",
    ["lr changed"],
    "the step kept the lr of the first step: read this.lr in every step (fit's lrSchedule changes it between epochs)",
    {},
    true,
  ),
  rmspropMistake("weight decay missing", ["weights"], "weight decay is missing: add λ·w to the gradient of params with decay: true (before squaring it)", {
    noDecay: true,
  }),
  rmspropMistake(
    "L2 applied to biases and γ/β",
    ["not decayed"],
    "L2 is applied to a param with decay: false (a bias, γ or β): decay only where p.decay is true",
    { decayEverywhere: true },
  ),
];
