// E4's BatchNorm mistakes in the running statistics a training forward updates (momentum, the
// update itself, the variance it blends in). Part of the catalogue in batchnorm.ts.
import type { Matrix } from "../../tensor";
import type { ForwardOptions } from "../../layers";
import type { BatchNormClass } from "../learner_api";
import type { BatchNormCase } from "../check_cases";
import { CHECK_MOMENTUM, runningAfter } from "../batchnorm_math";
import { BatchNormMistake, BatchNormShows, observed, ones, zeros } from "./batchnorm_shared";

/** The running statistics after a training forward replaced by update(old, batch, momentum, N) per entry, for the mean and the variance. */
function runningUpdate(
  update: (old: number, batch: number, m: number, n: number, which: "mean" | "variance") => number,
): (Correct: BatchNormClass) => BatchNormClass {
  return (Correct) =>
    class extends observed(Correct) {
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        const { mean, variance } = this.running();
        const old = { mean: mean.clone(), variance: variance.clone() };
        const y = super.forward(x, options);
        if (!options.training) return y;
        const m = this.mistakeMomentum;
        for (const [which, now] of [
          ["mean", mean],
          ["variance", variance],
        ] as const) {
          // The batch's statistic, from what the correct update wrote: new = m·old + (1 − m)·batch.
          now.data.forEach((v, k, a) => (a[k] = update(old[which].data[k], (v - m * old[which].data[k]) / (1 - m), m, x.rows, which)));
        }
        return y;
      }
    };
}

/** The running mean or var after the three training batches under update(old, batch), from 0 and 1. */
const runningBy = (c: BatchNormCase, which: BatchNormShows, update: (old: number, batch: number) => number, unbiased = false): Matrix => {
  const r = runningAfter(c.batches, update, unbiased);
  return which === "running mean" ? r.mean : r.variance;
};

export const RUNNING_STATS_MISTAKES: readonly BatchNormMistake[] = [
  // ---- running statistics ----
  {
    id: "momentum the wrong way round",
    exercise: "E4",
    shows: ["running mean", "running var"],
    hint: "momentum is applied the wrong way round: running := m·running + (1 − m)·batch, so the old value keeps weight m",
    value: (c, shows) => runningBy(c, shows, (old, batch) => (1 - CHECK_MOMENTUM) * old + CHECK_MOMENTUM * batch),
    wrong: runningUpdate((old, batch, m) => (1 - m) * old + m * batch),
  },
  {
    id: "running statistics not updated",
    exercise: "E4",
    shows: ["running mean", "running var"],
    hint: "the running statistics are not updated: training-mode forward must move them toward each batch's statistics",
    value: (c, shows) => (shows === "running mean" ? zeros(c.d) : ones(c.d)),
    wrong: runningUpdate((old) => old),
  },
  {
    id: "running statistics replaced by the batch's",
    exercise: "E4",
    shows: ["running mean", "running var"],
    hint: "the running statistics are replaced by the batch's: blend them, running := m·running + (1 − m)·batch",
    value: (c, shows) => runningBy({ ...c, batches: c.batches.slice(-1) }, shows, (_old, batch) => batch),
    wrong: runningUpdate((_old, batch) => batch),
  },
  {
    id: "running variance unbiased",
    exercise: "E4",
    shows: ["running var"],
    hint: "the running variance is updated with the unbiased batch variance (÷(N − 1)); the convention here is the biased one (÷N), the same the forward normalises with",
    value: (c, shows) => runningBy(c, shows, (old, batch) => CHECK_MOMENTUM * old + (1 - CHECK_MOMENTUM) * batch, true),
    wrong: runningUpdate((old, batch, m, n, which) => m * old + (1 - m) * (which === "variance" ? (batch * n) / (n - 1) : batch)),
  },
];
