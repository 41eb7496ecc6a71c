// RMSProp as PyTorch's torch.optim.RMSprop defines it (not centred, no momentum):
//   g = grad + λ·param (λ only where param.decay)
//   s = α·s + (1 − α)·g²   (s starts at 0)
//   param −= lr · g / (√s + eps)
// The mean square s is kept in the param's dtype and saved by state() for a resumed run.
import type { Param } from "../layers";
import { checkKnownKeys, checkNonNegative, checkPositive } from "../validate";
import { Optimizer, l2Penalty } from "./sgd";
import { OptimizerState, ParamState } from "./state";
import { unitInterval } from "./momentum";

export interface RMSPropOptions {
  /** Learning rate, > 0. Default 0.01 (PyTorch's). */
  lr?: number;
  /** Decay α of the running mean of g², in [0, 1). Default 0.99. */
  alpha?: number;
  /** Added to √s, > 0. Default 1e-8. */
  eps?: number;
  /** L2 coefficient λ on weights (added to the gradient), >= 0. Default 0. */
  weightDecay?: number;
}

const KEYS = ["lr", "alpha", "eps", "weightDecay"];

export class RMSProp implements Optimizer {
  /** Learning rate (may be changed between steps). */
  lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly squareAvg = new ParamState("RMSProp", ["square_avg"]);

  constructor(options: RMSPropOptions = {}) {
    checkKnownKeys("RMSProp options", options, KEYS);
    this.lr = checkPositive("lr", options.lr ?? 0.01);
    this.alpha = unitInterval("alpha", options.alpha ?? 0.99);
    this.eps = checkPositive("eps", options.eps ?? 1e-8);
    this.weightDecay = checkNonNegative("weightDecay", options.weightDecay ?? 0);
  }

  /** λ/2 · Σ‖W‖² over decayed params: the term whose gradient the decay adds. */
  penalty(params: readonly Param[]): number {
    return l2Penalty(params, this.weightDecay);
  }

  /** Updates every param in place from its grad and the running mean of g². */
  step(params: readonly Param[]): void {
    const states = this.squareAvg.buffersFor(params);
    const a = this.alpha;
    params.forEach((p, k) => {
      const w = p.value.data;
      const grad = p.grad.data;
      const s = states[k][0];
      const wd = p.decay ? this.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const g = grad[i] + wd * w[i];
        s[i] = a * s[i] + (1 - a) * g * g;
        w[i] -= (this.lr * g) / (Math.sqrt(s[i]) + this.eps);
      }
    });
  }

  /** The hyper-parameters a training checkpoint records (and checks on resume). */
  config(): Record<string, number | boolean> {
    return { lr: this.lr, alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay };
  }

  /** The running means of g² (copies), keyed "square_avg/<index>/<param name>". */
  state(): OptimizerState {
    return this.squareAvg.save({});
  }

  /** Continues from a state() of an RMSProp with the same params. */
  loadState(state: OptimizerState): void {
    this.squareAvg.load(state, []);
  }
}
