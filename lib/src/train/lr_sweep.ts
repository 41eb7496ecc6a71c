// A short learning-rate sweep for one optimiser: the same model and seed trained at each lr
// on a tuning split, scored by the mean validation metric of the last epochs (a single last
// epoch is noisy). Lab 1 uses it to give each optimiser its own lr without looking at the
// validation set the comparison is judged on.
import { ConfigError, DivergenceError } from "../errors";
import type { Optimizer } from "../optim/sgd";
import type { TrainableModel, Targets } from "../models";
import type { Dataset } from "../data/dataset";
import { FitOptions, fit } from "./trainer";
import type { History } from "../training_history";

export interface LrSweepRow {
  lr: number;
  /** Mean validation metric over the last `lastEpochs` epochs; NaN when the run diverged. */
  score: number;
  /** null when the run diverged (fit threw a DivergenceError). */
  history: History | null;
}

export interface LrSweepOptions<Y extends Targets> {
  /** The lrs to try, each > 0. */
  lrs: number[];
  /** A fresh model (same seed every call). */
  model: () => TrainableModel<Y>;
  /** A fresh optimiser at `lr`. */
  optimizer: (lr: number) => Optimizer;
  /** The tuning split: train on `train`, score on `val`. */
  data: { train: Dataset<Y>; val: Dataset<Y> };
  /** fit's settings, without optimizer and val. */
  fit: Omit<FitOptions<Y>, "optimizer" | "val" | "lr" | "weightDecay">;
  /** How many final epochs the score averages. Default 10 (or all, if fewer). */
  lastEpochs?: number;
}

/**
 * Trains one run per lr and returns the rows in the order of `lrs`, with the best one (the
 * highest score for accuracy, the lowest for other metrics; the first such lr on a tie).
 * A run that diverges is kept as a row with score NaN, not thrown.
 */
export function lrSweep<Y extends Targets>(options: LrSweepOptions<Y>): { rows: LrSweepRow[]; best: LrSweepRow } {
  if (!Array.isArray(options.lrs) || options.lrs.length === 0 || !options.lrs.every((lr) => typeof lr === "number" && lr > 0 && Number.isFinite(lr))) {
    throw new ConfigError(`lrSweep: lrs must be a non-empty list of numbers > 0 (got ${JSON.stringify(options.lrs)})`);
  }
  const last = options.lastEpochs ?? 10;
  const rows = options.lrs.map((lr): LrSweepRow => {
    try {
      const history = fit(options.model(), options.data.train, { ...options.fit, optimizer: options.optimizer(lr), val: options.data.val });
      const tail = history.valMetric.slice(-last);
      return { lr, score: tail.reduce((a, b) => a + b, 0) / tail.length, history };
    } catch (err) {
      if (err instanceof DivergenceError) return { lr, score: NaN, history: null };
      throw err;
    }
  });
  const finished = rows.filter((r) => r.history !== null);
  if (finished.length === 0) throw new DivergenceError(`lrSweep: every lr diverged (${options.lrs.join(", ")}); try smaller ones`);
  const higher = finished[0].history!.metricName === "accuracy";
  const best = finished.reduce((a, b) => ((higher ? b.score > a.score : b.score < a.score) ? b : a));
  return { rows, best };
}
