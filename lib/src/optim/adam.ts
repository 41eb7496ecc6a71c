// Adam (Kingma & Ba) as PyTorch's torch.optim.Adam defines it, and AdamW's decoupled decay
// (torch.optim.AdamW) as an option:
//   Adam:  g = grad + λ·param            AdamW: param −= lr·λ·param, g = grad
//   m = β1·m + (1 − β1)·g,  v = β2·v + (1 − β2)·g²        (both start at 0; t = 1, 2, …)
//   param −= lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + eps)   (the bias-corrected m̂/(√v̂ + eps))
// λ applies only where param.decay. m and v are kept in the param's dtype; state() saves
// them and t so a resumed run continues exactly.
import type { Param } from "../layers";
import { checkBoolean, checkKnownKeys, checkNonNegative, checkPositive } from "../validate";
import { Optimizer, l2Penalty } from "./sgd";
import { OptimizerState, ParamState, loadCounter } from "./state";
import { unitInterval } from "./momentum";

export interface AdamOptions {
  /** Learning rate, > 0. Default 0.001. */
  lr?: number;
  /** Decay β1 of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay β2 of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v̂, > 0. Default 1e-8. */
  eps?: number;
  /** Weight decay λ on weights, >= 0. Default 0. Coupled (L2 added to g) unless `decoupled`. */
  weightDecay?: number;
  /** AdamW: shrink weights by lr·λ·param before the Adam step instead of adding λ·param to g. Default false. */
  decoupled?: boolean;
}

const KEYS = ["lr", "beta1", "beta2", "eps", "weightDecay", "decoupled"];

export class Adam implements Optimizer {
  /** Learning rate (may be changed between steps). */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  /** Steps taken so far (t of the bias correction). */
  private t = 0;
  private readonly moments = new ParamState("Adam", ["exp_avg", "exp_avg_sq"]);

  constructor(options: AdamOptions = {}) {
    checkKnownKeys("Adam options", options, KEYS);
    this.lr = checkPositive("lr", options.lr ?? 0.001);
    this.beta1 = unitInterval("beta1", options.beta1 ?? 0.9);
    this.beta2 = unitInterval("beta2", options.beta2 ?? 0.999);
    this.eps = checkPositive("eps", options.eps ?? 1e-8);
    this.weightDecay = checkNonNegative("weightDecay", options.weightDecay ?? 0);
    this.decoupled = checkBoolean("decoupled", options.decoupled ?? false);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /**
   * λ/2 · Σ‖W‖² over decayed params, which fit adds to the reported loss. NOTE: for AdamW
   * (decoupled) it is reported too, so losses compare across optimisers at the same λ, though
   * AdamW shrinks weights toward this term's minimum without following its gradient through
   * Adam's scaling (PyTorch reports no decay term at all).
   */
  penalty(params: readonly Param[]): number {
    return l2Penalty(params, this.weightDecay);
  }

  /** Updates every param in place from its grad and the two moments. */
  step(params: readonly Param[]): void {
    const states = this.moments.buffersFor(params);
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, lr } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const correction2Sqrt = Math.sqrt(1 - b2 ** this.t);
    params.forEach((p, k) => {
      const w = p.value.data;
      const grad = p.grad.data;
      const [m, v] = states[k];
      const wd = p.decay ? this.weightDecay : 0;
      const shrink = this.decoupled ? 1 - lr * wd : 1;
      const coupled = this.decoupled ? 0 : wd;
      for (let i = 0; i < w.length; i++) {
        if (this.decoupled) w[i] *= shrink;
        const g = grad[i] + coupled * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / correction2Sqrt + eps);
      }
    });
  }

  /** The hyper-parameters a training checkpoint records (and checks on resume). */
  config(): Record<string, number | boolean> {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, decoupled: this.decoupled };
  }

  /** The moments (copies), keyed "exp_avg/<index>/<param name>" and "exp_avg_sq/…", and "step" (t). */
  state(): OptimizerState {
    return this.moments.save({ step: this.t });
  }

  /** Continues from a state() of an Adam with the same params. */
  loadState(state: OptimizerState): void {
    const t = loadCounter("Adam", state, "step");
    this.moments.load(state, ["step"]);
    this.t = t;
  }
}
