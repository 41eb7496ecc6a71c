// E8's AdamW mistakes as learners make them (see update_rules.ts).
import { Matrix } from "../../tensor";
import type { Param } from "../../layers";
import type { Optimizer } from "../../optim/sgd";
import type { AdamWClass, AdamWOptions } from "../learner_api";
import { startParams } from "../update_run";
import { Mixable } from "./catalogue";
import { ALL, AdamWShows, AdamWMistake, UpdateRuleCase } from "./update_rules";

interface AdamWFlags {
  noBiasCorrection?: boolean;
  correctMOnly?: boolean;
  correctVOnly?: boolean;
  tFromZero?: boolean;
  epsInsideSqrt?: boolean;
  epsBeforeCorrection?: boolean;
  tPerParam?: boolean;
  shared?: boolean;
  resetEachStep?: boolean;
  coupledDecay?: boolean;
  decayWithoutLr?: boolean;
  decayAfterStep?: boolean;
  decayEverywhere?: boolean;
  betasSwapped?: boolean;
}

interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

class AdamWVariant {
  private m: Float64Array[] = [];
  private v: Float64Array[] = [];
  private t = 0;

  constructor(private readonly flags: AdamWFlags) {}

  step(params: readonly Param[], h: AdamWHyper): void {
    const f = this.flags;
    if (f.resetEachStep || this.m.length === 0) {
      const largest = Math.max(...params.map((p) => p.value.data.length));
      const fresh = (): Float64Array[] =>
        f.shared ? params.map(() => new Float64Array(0)).fill(new Float64Array(largest)) : params.map((p) => new Float64Array(p.value.data.length));
      this.m = fresh();
      this.v = fresh();
      if (f.resetEachStep) this.t = 0;
    }
    const [b1, b2] = f.betasSwapped ? [h.beta2, h.beta1] : [h.beta1, h.beta2];
    if (!f.tPerParam) this.t += 1;
    params.forEach((p, k) => {
      if (f.tPerParam) this.t += 1;
      const t = f.tFromZero ? this.t - 1 : this.t;
      const c1 = f.noBiasCorrection || f.correctVOnly ? 1 : 1 - b1 ** t;
      const c2 = f.noBiasCorrection || f.correctMOnly ? 1 : 1 - b2 ** t;
      const w = p.value.data;
      const [m, v] = [this.m[k], this.v[k]];
      const lambda = p.decay || f.decayEverywhere ? h.weightDecay : 0;
      const shrink = f.coupledDecay ? 0 : f.decayWithoutLr ? lambda : h.lr * lambda;
      for (let i = 0; i < w.length; i++) {
        if (!f.decayAfterStep) w[i] -= shrink * w[i];
        const g = p.grad.data[i] + (f.coupledDecay ? lambda * w[i] : 0);
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const mHat = m[i] / c1;
        const vHat = v[i] / c2;
        // The paper's "efficient" form adds ε to √v before the correction: ε/√(1 − β2^t) after it.
        const eps = f.epsBeforeCorrection ? h.eps / Math.sqrt(c2) : h.eps;
        w[i] -= (h.lr * mHat) / (f.epsInsideSqrt ? Math.sqrt(vHat + eps) : Math.sqrt(vHat) + eps);
        if (f.decayAfterStep) w[i] -= shrink * w[i];
      }
    });
  }
}

function adamHyper(o: AdamWOptions, lr: number): AdamWHyper {
  return { lr, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0 };
}

function replayAdamW(c: UpdateRuleCase<AdamWOptions>, flags: AdamWFlags, lrFixed = false): Matrix {
  const params = startParams(c.run);
  const variant = new AdamWVariant(flags);
  for (let s = 0; s < c.steps; s++) {
    params.forEach((p, i) => p.grad.data.set(c.run.grads[s][i].data));
    variant.step(params, adamHyper(c.options, lrFixed ? c.run.lrs[0] : c.run.lrs[s]));
  }
  return params[c.i].value;
}

type AdamWLike = Optimizer & { beta1: number; beta2: number; eps: number };

function adamWWith(flags: AdamWFlags, lrFixed = false): (Correct: AdamWClass) => AdamWClass {
  return (Correct) =>
    class extends (Correct as Mixable<AdamWLike>) {
      private readonly variant = new AdamWVariant(flags);
      private firstLr: number | null = null;
      override step(params: readonly Param[]): void {
        this.firstLr ??= this.lr;
        this.variant.step(params, { lr: lrFixed ? this.firstLr : this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay });
      }
    };
}

function adamWMistake(id: string, shows: AdamWShows[], hint: string, flags: AdamWFlags, lrFixed = false): AdamWMistake {
  return { id, exercise: "E8", shows, hint, value: (c) => replayAdamW(c, flags, lrFixed), wrong: adamWWith(flags, lrFixed) };
}

export const ADAMW_MISTAKES: readonly AdamWMistake[] = [
  adamWMistake(
    "bias correction missing",
    ALL,
    "the bias correction is missing: m and v start at 0, so early on they are too small; divide m by (1 − β1^t) and v by (1 − β2^t)",
    { noBiasCorrection: true },
  ),
  adamWMistake("bias correction on m only", ALL, "only m is bias-corrected: v needs it too, v̂ = v/(1 − β2^t)", { correctMOnly: true }),
  adamWMistake("bias correction on v only", ALL, "only v is bias-corrected: m needs it too, m̂ = m/(1 − β1^t)", { correctVOnly: true }),
  adamWMistake(
    "t starting at 0",
    ALL,
    "the first step used t = 0, where 1 − β^0 = 0 divides by zero: count the step before using it, so the first step has t = 1",
    { tFromZero: true },
  ),
  adamWMistake("ε inside the square root", ALL, "ε is inside the square root: the step divides by √v̂ + ε, not √(v̂ + ε)", { epsInsideSqrt: true }),
  adamWMistake(
    "ε added before the bias correction",
    ALL,
    'ε is added to √v before the bias correction (the Adam paper\'s "efficient" form, lr·√(1 − β2^t)/(1 − β1^t) · m/(√v + ε)): the lesson, like PyTorch, adds ε to the corrected √v̂',
    { epsBeforeCorrection: true },
  ),
  adamWMistake("t counted per param", ALL, "t grows once per param instead of once per step: every param of one step shares the same t", { tPerParam: true }),
  adamWMistake("moments shared by every param", ALL, "every param updates the same m and v buffers: keep one m and one v per param", { shared: true }),
  adamWMistake(
    "state made anew every step",
    ALL,
    "m, v and t start from scratch at every step, so every step is a first step: keep them between steps, in fields of the optimiser",
    { resetEachStep: true },
  ),
  adamWMistake("β1 and β2 swapped", ALL, "β1 and β2 are swapped: β1 (0.9) averages g into m, β2 (0.999) averages g² into v", { betasSwapped: true }),
  adamWMistake(
    "lr read once",
    ["lr changed"],
    "the step kept the lr of the first step: read this.lr in every step (fit's lrSchedule changes it between epochs)",
    {},
    true,
  ),
  adamWMistake(
    "decay added to the gradient (Adam's L2)",
    ["weights"],
    "λ·w went into the gradient, and so into m and v: that is Adam's L2, which Adam's scaling weakens for weights with large gradients. AdamW decouples it: shrink the weight directly, p := p − lr·λ·p, and feed m and v the plain grad",
    { coupledDecay: true },
  ),
  adamWMistake("decoupled decay without lr", ["weights"], "the decoupled decay is not multiplied by lr: p := p − lr·λ·p", { decayWithoutLr: true }),
  adamWMistake(
    "decay applied after the step",
    ["weights"],
    "the decay shrank the weight after the Adam step: shrink the weight from before the step (p := p − lr·λ·p), then take the Adam step",
    { decayAfterStep: true },
  ),
  adamWMistake(
    "decay on biases and γ/β",
    ["not decayed"],
    "weight decay is applied to a param with decay: false (a bias, γ or β): decay only where p.decay is true",
    { decayEverywhere: true },
  ),
];
