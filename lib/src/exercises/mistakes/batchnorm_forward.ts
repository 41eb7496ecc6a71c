// E4's BatchNorm mistakes in the forward pass: the training forward (eps, the variance, γ and β,
// which statistics it normalises with) and the eval forward. Part of the catalogue in batchnorm.ts.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { BatchNormClass } from "../learner_api";
import type { BatchNormCase } from "../check_cases";
import { CHECK_EPS, columnStats, decoyOf, normalizeWith, runningAfterBatches, runningAfterTwo } from "../batchnorm_math";
import { Mixable } from "./catalogue";
import { BatchNormMistake, Observed, Stats, observed, ones, statsOf, zeros } from "./batchnorm_shared";

/** γ·(x − mean)/scale + β per column. */
function affine(x: Matrix, mean: readonly number[], scale: readonly number[], gamma: Matrix, beta: Matrix): Matrix {
  const y = new Matrix(x.rows, x.cols, x.dtype);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) y.set(i, j, (gamma.data[j] * (x.get(i, j) - mean[j])) / scale[j] + beta.data[j]);
  return y;
}

/** The training forward's y replaced by y(layer, x, stats of x). */
function trainingY(y: (layer: Observed, x: Matrix, s: Stats) => Matrix): (Correct: BatchNormClass) => BatchNormClass {
  return (Correct) =>
    class extends observed(Correct) {
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        const right = super.forward(x, options);
        return options.training ? y(this, x.clone(), statsOf(x)) : right;
      }
    };
}

const sqrtEps = (v: number[]): number[] => v.map((q) => Math.sqrt(q + CHECK_EPS));
/** y of the first training batch normalised with mean and scale. */
const trainingYWith = (c: BatchNormCase, mean: number[], scale: number[], gamma = c.gamma, beta = c.beta): Matrix =>
  normalizeWith(c.batches[0], mean, scale, gamma, beta);

const WITH_RUNNING_IN_TRAINING_FORWARD = "training mode normalises with the running statistics; it must use this batch's mean and variance";

/** The training forward's mistakes, first in the catalogue. */
export const TRAINING_FORWARD_MISTAKES: readonly BatchNormMistake[] = [
  // ---- training forward ----
  {
    id: "eps missing",
    exercise: "E4",
    shows: ["y"],
    hint: "eps is missing: divide by √(σ² + eps), not √σ²",
    value: (c) => trainingYWith(c, columnStats(c.batches[0]).mean, columnStats(c.batches[0]).variance.map(Math.sqrt)),
    wrong: trainingY((l, x, s) => affine(x, s.mean, s.variance.map(Math.sqrt), l.gammaValue(), l.betaValue())),
  },
  {
    id: "unbiased variance in the forward",
    exercise: "E4",
    shows: ["y"],
    hint: "the variance is unbiased (÷(N − 1)); BatchNorm normalises with the biased batch variance (÷N)",
    value: (c) => trainingYWith(c, columnStats(c.batches[0]).mean, sqrtEps(columnStats(c.batches[0]).unbiased)),
    wrong: trainingY((l, x, s) =>
      affine(
        x,
        s.mean,
        s.variance.map((v) => Math.sqrt((v * x.rows) / (x.rows - 1) + l.mistakeEps)),
        l.gammaValue(),
        l.betaValue(),
      ),
    ),
  },
  {
    id: "eps added to the standard deviation",
    exercise: "E4",
    shows: ["y"],
    hint: "eps is added to the standard deviation; add it to the variance: √(σ² + eps)",
    value: (c) =>
      trainingYWith(
        c,
        columnStats(c.batches[0]).mean,
        columnStats(c.batches[0]).variance.map((v) => Math.sqrt(v) + CHECK_EPS),
      ),
    wrong: trainingY((l, x, s) =>
      affine(
        x,
        s.mean,
        s.variance.map((v) => Math.sqrt(v) + l.mistakeEps),
        l.gammaValue(),
        l.betaValue(),
      ),
    ),
  },
  {
    id: "γ and β not applied",
    exercise: "E4",
    shows: ["y"],
    hint: "γ and β are not applied: y = γ·x̂ + β",
    value: (c) => trainingYWith(c, columnStats(c.batches[0]).mean, sqrtEps(columnStats(c.batches[0]).variance), ones(c.d), zeros(c.d)),
    wrong: trainingY((l, x, s) =>
      affine(
        x,
        s.mean,
        s.variance.map((v) => Math.sqrt(v + l.mistakeEps)),
        ones(x.cols),
        zeros(x.cols),
      ),
    ),
  },
  {
    id: "training forward with the running statistics, never updated",
    exercise: "E4",
    shows: ["y"],
    hint: WITH_RUNNING_IN_TRAINING_FORWARD,
    value: (c) => trainingYWith(c, new Array<number>(c.d).fill(0), new Array<number>(c.d).fill(Math.sqrt(1 + CHECK_EPS))),
    // Always the eval path: the running statistics stay at 0 and 1.
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override forward(x: Matrix, _options: ForwardOptions): Matrix {
          return super.forward(x, { training: false });
        }
      },
  },
  {
    id: "training forward with the running statistics, after updating them",
    exercise: "E4",
    shows: ["y"],
    hint: WITH_RUNNING_IN_TRAINING_FORWARD,
    value: (c) => trainingYWith(c, Array.from(runningAfterTwo(c).mean.data), sqrtEps(Array.from(runningAfterTwo(c).variance.data))),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          const y = super.forward(x, options);
          return options.training ? super.forward(x, { training: false }) : y;
        }
      },
  },
  {
    id: "forward with the first batch's statistics",
    exercise: "E4",
    shows: ["y"],
    hint: "forward normalised with the statistics of its FIRST batch (a decoy): compute μ and σ² from the x it is given, every call",
    value: (c) => trainingYWith(c, columnStats(decoyOf(c)).mean, sqrtEps(columnStats(decoyOf(c)).variance)),
    wrong: (Correct) =>
      class extends observed(Correct) {
        private firstStats: Stats | null = null;
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          const right = super.forward(x, options);
          if (!options.training) return right;
          const s = (this.firstStats ??= statsOf(x));
          return affine(
            x,
            s.mean,
            s.variance.map((v) => Math.sqrt(v + this.mistakeEps)),
            this.gammaValue(),
            this.betaValue(),
          );
        }
      },
  },
];

/** The eval forward's mistakes, after the running statistics' in the catalogue. */
export const EVAL_FORWARD_MISTAKES: readonly BatchNormMistake[] = [
  // ---- eval forward ----
  {
    id: "batch statistics in eval mode",
    exercise: "E4",
    shows: ["eval y"],
    hint: "eval mode uses the batch's own mean and variance; it must use the running statistics (options.training is false)",
    value: (c) => normalizeWith(c.evalX, columnStats(c.evalX).mean, sqrtEps(columnStats(c.evalX).variance), c.gamma, c.beta),
    wrong: (Correct) =>
      class extends observed(Correct) {
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          if (options.training) return super.forward(x, options);
          const { mean, variance } = this.running();
          const kept = [mean.clone(), variance.clone()];
          const y = super.forward(x, { training: true });
          mean.data.set(kept[0].data);
          variance.data.set(kept[1].data);
          return y;
        }
      },
  },
  {
    id: "eps missing in eval mode",
    exercise: "E4",
    shows: ["eval y"],
    hint: "eps is missing in eval mode: divide by √(running var + eps)",
    value: (c) => {
      const r = runningAfterBatches(c.batches);
      return normalizeWith(c.evalX, Array.from(r.mean.data), Array.from(r.variance.data, Math.sqrt), c.gamma, c.beta);
    },
    wrong: (Correct) =>
      class extends observed(Correct) {
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          const right = super.forward(x, options);
          if (options.training) return right;
          const { mean, variance } = this.running();
          return affine(x, Array.from(mean.data), Array.from(variance.data, Math.sqrt), this.gammaValue(), this.betaValue());
        }
      },
  },
];
