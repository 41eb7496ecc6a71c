// What the three files of E4's BatchNorm mistakes share (batchnorm_forward.ts,
// batchnorm_running_stats.ts, batchnorm_backward.ts; the catalogue in order is batchnorm.ts):
// the checked quantities, the statistics the wrong implementations compute with their own plain
// loops, and a correct BatchNorm that remembers what it was built and called with, to be changed.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { BatchNormClass } from "../learner_api";
import type { BatchNormCase } from "../check_cases";
import { Mistake, Mixable } from "./catalogue";

/** The checked quantities: training forward, running statistics, eval forward, training backward, eval backward. */
export type BatchNormShows = "y" | "running mean" | "running var" | "eval y" | "dX" | "dγ" | "dβ" | "eval dX";
export type BatchNormMistake = Mistake<BatchNormClass, BatchNormCase, BatchNormShows>;

// ---- the wrong implementations' own arithmetic (plain loops over columns) ----

export interface Stats {
  mean: number[];
  /** Biased (÷N). */
  variance: number[];
}

/** Each column's mean and biased variance. */
export function statsOf(x: Matrix): Stats {
  const mean = new Array<number>(x.cols).fill(0);
  const variance = new Array<number>(x.cols).fill(0);
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < x.rows; i++) mean[j] += x.get(i, j) / x.rows;
    for (let i = 0; i < x.rows; i++) variance[j] += (x.get(i, j) - mean[j]) ** 2 / x.rows;
  }
  return { mean, variance };
}

// ---- a correct BatchNorm that can be changed ----

/** A correct BatchNorm that remembers its constructor's momentum and eps and its latest forward (names unlikely to clash with a learner's fields). */
export function observed(Correct: BatchNormClass) {
  return class extends (Correct as Mixable<Layer>) {
    readonly mistakeMomentum: number;
    readonly mistakeEps: number;
    mistakeLatest: { x: Matrix; training: boolean } | null = null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor must take any[] (TS2545)
    constructor(...args: any[]) {
      super(...args);
      const options = (args[1] ?? {}) as { momentum?: number; eps?: number };
      this.mistakeMomentum = options.momentum ?? 0.9;
      this.mistakeEps = options.eps ?? 1e-5;
    }
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      this.mistakeLatest = { x: x.clone(), training: options.training };
      return super.forward(x, options);
    }
    gammaValue(): Matrix {
      return this.params()[0].value;
    }
    betaValue(): Matrix {
      return this.params()[1].value;
    }
    running(): { mean: Matrix; variance: Matrix } {
      const [mean, variance] = this.buffers();
      return { mean: mean.value, variance: variance.value };
    }
  };
}
export type Observed = InstanceType<ReturnType<typeof observed>>;

// ---- the values: parameters and running statistics as they start ----

/** (1, d) of ones: γ and the running variance as they start. */
export const ones = (d: number): Matrix => new Matrix(1, d, new Float64Array(d).fill(1));
/** (1, d) of zeros: β and the running mean as they start. */
export const zeros = (d: number): Matrix => new Matrix(1, d, "float64");
