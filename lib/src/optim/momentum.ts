// SGD with momentum, classical or Nesterov, exactly as PyTorch's torch.optim.SGD defines it:
//   g = grad + λ·param (λ only where param.decay)
//   v = g on the first step, then v = μ·v + (1 − dampening)·g
//   classical: param −= lr·v;   Nesterov: param −= lr·(g + μ·v)
// The velocity is kept in the param's dtype and saved by state() for a resumed run.
import type { Param } from "../layers";
import { ConfigError } from "../errors";
import { checkBoolean, checkKnownKeys, checkNonNegative, checkPositive } from "../validate";
import { Optimizer, l2Penalty } from "./sgd";
import { OptimizerState, ParamState } from "./state";

export interface MomentumOptions {
  /** Learning rate, > 0. */
  lr: number;
  /** Momentum μ in [0, 1). Default 0.9. */
  momentum?: number;
  /** Nesterov's variant: step along g + μ·v instead of v. Needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** Dampening of the gradient added to the velocity, in [0, 1). Default 0. */
  dampening?: number;
  /** L2 coefficient λ on weights (added to the gradient), >= 0. Default 0. */
  weightDecay?: number;
}

const KEYS = ["lr", "momentum", "nesterov", "dampening", "weightDecay"];

export class Momentum implements Optimizer {
  /** Learning rate (may be changed between steps). */
  lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly dampening: number;
  readonly weightDecay: number;
  private readonly velocity = new ParamState("Momentum", ["velocity"]);

  constructor(options: MomentumOptions) {
    checkKnownKeys("Momentum options", options, KEYS);
    this.lr = checkPositive("lr", options.lr);
    this.momentum = unitInterval("momentum", options.momentum ?? 0.9);
    this.dampening = unitInterval("dampening", options.dampening ?? 0);
    this.nesterov = checkBoolean("nesterov", options.nesterov ?? false);
    this.weightDecay = checkNonNegative("weightDecay", options.weightDecay ?? 0);
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new ConfigError(`Nesterov momentum needs momentum > 0 and dampening 0 (got momentum ${this.momentum}, dampening ${this.dampening})`);
    }
  }

  /** λ/2 · Σ‖W‖² over decayed params: the term whose gradient the decay adds. */
  penalty(params: readonly Param[]): number {
    return l2Penalty(params, this.weightDecay);
  }

  /** Updates every param in place from its grad and the velocity. */
  step(params: readonly Param[]): void {
    const first = !this.velocity.started;
    const states = this.velocity.buffersFor(params);
    const mu = this.momentum;
    params.forEach((p, k) => {
      const w = p.value.data;
      const grad = p.grad.data;
      const v = states[k][0];
      const wd = p.decay ? this.weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const g = grad[i] + wd * w[i];
        // PyTorch starts the buffer at g itself (no dampening on the first step).
        v[i] = first ? g : mu * v[i] + (1 - this.dampening) * g;
        w[i] -= this.lr * (this.nesterov ? g + mu * v[i] : v[i]);
      }
    });
  }

  /** The hyper-parameters a training checkpoint records (and checks on resume). */
  config(): Record<string, number | boolean> {
    return { lr: this.lr, momentum: this.momentum, nesterov: this.nesterov, dampening: this.dampening, weightDecay: this.weightDecay };
  }

  /** The velocities (copies), keyed "velocity/<index>/<param name>"; empty before the first step. */
  state(): OptimizerState {
    return this.velocity.save({});
  }

  /** Continues from a state() of a Momentum with the same params. */
  loadState(state: OptimizerState): void {
    this.velocity.load(state, []);
  }
}

/** A number in [0, 1). */
export function unitInterval(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new ConfigError(`${name} must be a number in [0, 1) (got ${String(value)})`);
  }
  return value;
}
