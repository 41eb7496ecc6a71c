// E8's mistakes: SGD with momentum, RMSProp and AdamW as learners get them wrong. Each is a flag of
// one small step function (a variant of the update), which gives both the wrong value on a
// case (the run replayed with the flag) and the wrong implementation (a learner's class whose
// step is replaced by the variant, reading the learner's own lr, momentum, betas, eps, λ).
import { Matrix } from "../../tensor";
import type { Param } from "../../layers";
import type { Optimizer } from "../../optim/sgd";
import type { AdamWClass, AdamWOptions, MomentumClass, MomentumOptions, RMSPropClass, RMSPropOptions } from "../learner_api";
import { UpdateRun, startParams } from "../update_run";
import { Mistake, Mixable } from "./catalogue";

/** One param after a number of steps of a run. */
export interface UpdateRuleCase<Options> {
  run: UpdateRun;
  options: Options;
  /** Steps taken (1 = after the first). */
  steps: number;
  /** Which param. */
  i: number;
}

/** The checks: no decay, lr changed mid-run, the decayed weights, the params with decay: false. */
export type MomentumShows = "plain" | "lr changed" | "weights" | "not decayed";
export type AdamWShows = MomentumShows;
export type RMSPropShows = MomentumShows;

export type MomentumMistake = Mistake<MomentumClass, UpdateRuleCase<MomentumOptions>, MomentumShows, Matrix, "E8">;
export type AdamWMistake = Mistake<AdamWClass, UpdateRuleCase<AdamWOptions>, AdamWShows, Matrix, "E8">;
export type RMSPropMistake = Mistake<RMSPropClass, UpdateRuleCase<RMSPropOptions>, RMSPropShows, Matrix, "E8">;

// ---- Momentum ----

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

const ALL: MomentumShows[] = ["plain", "lr changed", "weights", "not decayed"];

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

// ---- RMSProp ----

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

// ---- AdamW ----

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
