// Plain mini-batch stochastic gradient descent with L2 weight decay:
//   param −= lr · (grad + weightDecay · param), decay only where param.decay (weights).
import { Param } from "../layers";
import { sgdUpdate, sumOfSquares } from "../kernels";
import { checkNonNegative, checkPositive } from "../validate";
import { ConfigError } from "../errors";
import type { OptimizerState } from "./state";

export interface SGDOptions {
  /** Learning rate, > 0. */
  lr: number;
  /** L2 coefficient λ (the gradient of λ/2·‖W‖²), >= 0. Default 0. */
  weightDecay?: number;
}

/**
 * What fit needs of an optimiser: an in-place update of every param from its grad, and the
 * L2 coefficient it applies (fit reports the loss with λ/2·Σ‖W‖² added). SGD is one; a
 * learner's own SGD from the exercise track is another.
 */
export interface Optimizer {
  /** Learning rate; fit's lrSchedule sets it before every epoch (and puts the first value back at the end). */
  lr: number;
  readonly weightDecay: number;
  step(params: readonly Param[]): void;
}

export class SGD implements Optimizer {
  /** Learning rate; fit's lrSchedule sets it before every epoch. */
  lr: number;
  readonly weightDecay: number;

  constructor(options: SGDOptions) {
    this.lr = checkPositive("lr", options.lr);
    this.weightDecay = checkNonNegative("weightDecay", options.weightDecay ?? 0);
  }

  /** The L2 term this optimiser's decay minimises: λ/2 · Σ‖W‖² over decayed params. */
  penalty(params: readonly Param[]): number {
    return l2Penalty(params, this.weightDecay);
  }

  /** Updates every param in place from its grad. */
  step(params: readonly Param[]): void {
    for (const p of params) sgdUpdate(p.value, p.grad, this.lr, p.decay ? this.weightDecay : 0);
  }

  /** The hyper-parameters a training checkpoint records (and checks on resume). */
  config(): Record<string, number | boolean> {
    return { lr: this.lr, weightDecay: this.weightDecay };
  }

  /** Plain SGD keeps no state between steps: an empty object. */
  state(): OptimizerState {
    return {};
  }

  /** Accepts only the empty state that state() gives. */
  loadState(state: OptimizerState): void {
    const keys = Object.keys(state);
    if (keys.length > 0)
      throw new ConfigError(
        `SGD.loadState: plain SGD keeps no state, got ${keys
          .slice(0, 3)
          .map((k) => JSON.stringify(k))
          .join(", ")}`,
      );
  }
}

/** λ/2 · Σ w² over the params with `decay` (its gradient is the λ·w that SGD adds). */
export function l2Penalty(params: readonly Param[], weightDecay: number): number {
  if (weightDecay === 0) return 0;
  let sum = 0;
  for (const p of params) if (p.decay) sum += sumOfSquares(p.value);
  return 0.5 * weightDecay * sum;
}
