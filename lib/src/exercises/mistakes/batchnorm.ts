// E4's mistakes: BatchNorm1d as learners get it wrong. Each wrong implementation changes a
// correct BatchNorm through its public face only (the constructor's momentum and eps, forward,
// backward, params() = [γ, β], buffers() = [running mean, running var]), so it applies to any
// correct learner's class. Where a wrong value needs a formula (a dX without one path), the
// wrong implementation computes it with its own plain loops, apart from the values below.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { BatchNormClass } from "../learner_api";
import type { BatchNormCase } from "../check_cases";
import { STALE_CACHE_HINT } from "../layer_harness";
import {
  CHECK_EPS,
  CHECK_MOMENTUM,
  batchNormDx,
  columnStats,
  decoyOf,
  normalizeWith,
  normalized,
  runningAfter,
  runningAfterBatches,
  runningAfterTwo,
} from "../batchnorm_math";
import { mapMatrix, rowMatrix, sumAlong, times, zerosLike } from "../matrix_ops";
import { Mistake, Mixable } from "./catalogue";
import { withFirstForwardCache } from "./layers";

/** The checked quantities: training forward, running statistics, eval forward, training backward, eval backward. */
export type BatchNormShows = "y" | "running mean" | "running var" | "eval y" | "dX" | "dγ" | "dβ" | "eval dX";
export type BatchNormMistake = Mistake<BatchNormClass, BatchNormCase, BatchNormShows>;

// ---- the wrong implementations' own arithmetic (plain loops over columns) ----

interface Stats {
  mean: number[];
  /** Biased (÷N). */
  variance: number[];
}

function statsOf(x: Matrix): Stats {
  const mean = new Array<number>(x.cols).fill(0);
  const variance = new Array<number>(x.cols).fill(0);
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < x.rows; i++) mean[j] += x.get(i, j) / x.rows;
    for (let i = 0; i < x.rows; i++) variance[j] += (x.get(i, j) - mean[j]) ** 2 / x.rows;
  }
  return { mean, variance };
}

/** γ·(x − mean)/scale + β per column. */
function affine(x: Matrix, mean: readonly number[], scale: readonly number[], gamma: Matrix, beta: Matrix): Matrix {
  const y = new Matrix(x.rows, x.cols, x.dtype);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) y.set(i, j, (gamma.data[j] * (x.get(i, j) - mean[j])) / scale[j] + beta.data[j]);
  return y;
}

/** γ·invStd·(dOut − [mean(dOut)] − [x̂·mean(dOut·x̂)]) with x̂ = (x − mean)·invStd, keeping the paths asked for. */
function dXWith(
  dOut: Matrix,
  x: Matrix,
  mean: readonly number[],
  invStd: readonly number[],
  gamma: Matrix,
  paths: { mean: boolean; variance: boolean },
): Matrix {
  const dX = new Matrix(dOut.rows, dOut.cols, dOut.dtype);
  const n = dOut.rows;
  for (let j = 0; j < dOut.cols; j++) {
    let sum = 0;
    let sumXHat = 0;
    for (let i = 0; i < n; i++) {
      sum += dOut.get(i, j);
      sumXHat += dOut.get(i, j) * (x.get(i, j) - mean[j]) * invStd[j];
    }
    for (let i = 0; i < n; i++) {
      const xHat = (x.get(i, j) - mean[j]) * invStd[j];
      dX.set(i, j, gamma.data[j] * invStd[j] * (dOut.get(i, j) - (paths.mean ? sum / n : 0) - (paths.variance ? (xHat * sumXHat) / n : 0)));
    }
  }
  return dX;
}

/** Σₙ dOut·(x − mean)·invStd per column, as a (1, D) grad. */
function dGammaWith(dOut: Matrix, x: Matrix, mean: readonly number[], invStd: readonly number[]): Float64Array {
  const out = new Float64Array(dOut.cols);
  for (let i = 0; i < dOut.rows; i++) for (let j = 0; j < dOut.cols; j++) out[j] += dOut.get(i, j) * (x.get(i, j) - mean[j]) * invStd[j];
  return out;
}

const invStdOf = (variance: ArrayLike<number>, eps: number): number[] => Array.from(variance, (v) => 1 / Math.sqrt(v + eps));

// ---- a correct BatchNorm that can be changed ----

/** A correct BatchNorm that remembers its constructor's momentum and eps and its latest forward (names unlikely to clash with a learner's fields). */
function observed(Correct: BatchNormClass) {
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
type Observed = InstanceType<ReturnType<typeof observed>>;

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

/** The training backward's dX replaced by dX(layer, dOut, x), after the correct backward set dγ and dβ. */
function trainingDX(dX: (layer: Observed, dOut: Matrix, x: Matrix) => Matrix): (Correct: BatchNormClass) => BatchNormClass {
  return (Correct) =>
    class extends observed(Correct) {
      override backward(dOut: Matrix): Matrix {
        const right = super.backward(dOut);
        const latest = this.mistakeLatest!;
        return latest.training ? dX(this, dOut, latest.x) : right;
      }
    };
}

/** After the correct backward, grad k (0 = dγ, 1 = dβ) replaced by grad(layer, dOut, x, backward), where backward(d) is the correct one's dγ and dβ for d. */
function afterBackwardGrad(
  k: 0 | 1,
  grad: (layer: Observed, dOut: Matrix, x: Matrix, backward: (d: Matrix) => Matrix[]) => ArrayLike<number>,
): (Correct: BatchNormClass) => BatchNormClass {
  return (Correct) =>
    class extends observed(Correct) {
      override backward(dOut: Matrix): Matrix {
        const correctGrads = (d: Matrix): Matrix[] => {
          super.backward(d);
          return this.params().map((p) => p.grad.clone());
        };
        const g = Float64Array.from(grad(this, dOut, this.mistakeLatest!.x, correctGrads));
        const dX = super.backward(dOut);
        this.params()[k].grad.data.set(g);
        return dX;
      }
    };
}

/** dOut with every row but the first set to 0. */
const firstRowOnly = (dOut: Matrix): Matrix =>
  new Matrix(
    dOut.rows,
    dOut.cols,
    Float64Array.from(dOut.data, (v, i) => (i < dOut.cols ? v : 0)),
  );

// ---- the values: what each mistake gives on a case ----

const sqrtEps = (v: number[]): number[] => v.map((q) => Math.sqrt(q + CHECK_EPS));
const ones = (d: number): Matrix => new Matrix(1, d, new Float64Array(d).fill(1));
const zeros = (d: number): Matrix => new Matrix(1, d, "float64");
/** y of the first training batch normalised with mean and scale. */
const trainingYWith = (c: BatchNormCase, mean: number[], scale: number[], gamma = c.gamma, beta = c.beta): Matrix =>
  normalizeWith(c.batches[0], mean, scale, gamma, beta);
/** dX of the first batch from x̂ and invStd, with the paths asked for. */
const dxOf = (c: BatchNormCase, xHat: Matrix, invStd: number[], paths: { mean: boolean; variance: boolean }): Matrix =>
  batchNormDx(c.dOut, xHat, c.gamma, invStd, paths);
/** x̂ and invStd of the first batch with the running statistics after the decoy and it. */
function runningNormalized(c: BatchNormCase): { xHat: Matrix; invStd: number[] } {
  const running = runningAfterTwo(c);
  const invStd = Array.from(running.variance.data, (v) => 1 / Math.sqrt(v + CHECK_EPS));
  return { xHat: mapMatrix(c.batches[0], (v, _i, j) => (v - running.mean.data[j]) * invStd[j]), invStd };
}
const dGammaOf = (c: BatchNormCase, xHat: Matrix): Matrix => sumAlong(times(c.dOut, xHat), "rows");
/** The running mean or var after the three training batches under update(old, batch), from 0 and 1. */
const runningBy = (c: BatchNormCase, which: BatchNormShows, update: (old: number, batch: number) => number, unbiased = false): Matrix => {
  const r = runningAfter(c.batches, update, unbiased);
  return which === "running mean" ? r.mean : r.variance;
};

const WITH_RUNNING_IN_TRAINING_FORWARD = "training mode normalises with the running statistics; it must use this batch's mean and variance";
const WITH_RUNNING_IN_TRAINING_BACKWARD =
  "training backward uses the running statistics; in training mode forward normalised with this batch's μ and σ², so backward must use the same batch statistics (keep them, or x̂ and invStd, in the forward's cache)";
const PATHS_FORMULA = "dX = γ·invStd·(dOut − mean(dOut) − x̂·mean(dOut·x̂))";

export const BATCHNORM_MISTAKES: readonly BatchNormMistake[] = [
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
  // ---- training backward: dX ----
  {
    id: "backward missing the mean and variance paths",
    exercise: "E4",
    shows: ["dX"],
    hint: `BatchNorm backward is missing the mean and variance paths: in training mode μ and σ² depend on x too, so ${PATHS_FORMULA}, not dOut·γ·invStd`,
    value: (c) => dxOf(c, normalized(c.batches[0]).xHat, normalized(c.batches[0]).invStd, { mean: false, variance: false }),
    wrong: trainingDX((l, dOut, x) => {
      const s = statsOf(x);
      return dXWith(dOut, x, s.mean, invStdOf(s.variance, l.mistakeEps), l.gammaValue(), { mean: false, variance: false });
    }),
  },
  {
    id: "backward missing the variance path",
    exercise: "E4",
    shows: ["dX"],
    hint: `the variance path is missing: ${PATHS_FORMULA}; the last term comes through σ²`,
    value: (c) => dxOf(c, normalized(c.batches[0]).xHat, normalized(c.batches[0]).invStd, { mean: true, variance: false }),
    wrong: trainingDX((l, dOut, x) => {
      const s = statsOf(x);
      return dXWith(dOut, x, s.mean, invStdOf(s.variance, l.mistakeEps), l.gammaValue(), { mean: true, variance: false });
    }),
  },
  {
    id: "backward missing the mean path",
    exercise: "E4",
    shows: ["dX"],
    hint: `the mean path is missing: ${PATHS_FORMULA}; the mean(dOut) term comes through μ`,
    value: (c) => dxOf(c, normalized(c.batches[0]).xHat, normalized(c.batches[0]).invStd, { mean: false, variance: true }),
    wrong: trainingDX((l, dOut, x) => {
      const s = statsOf(x);
      return dXWith(dOut, x, s.mean, invStdOf(s.variance, l.mistakeEps), l.gammaValue(), { mean: false, variance: true });
    }),
  },
  {
    id: "training backward with the running statistics",
    exercise: "E4",
    shows: ["dX"],
    hint: WITH_RUNNING_IN_TRAINING_BACKWARD,
    value: (c) => dxOf(c, runningNormalized(c).xHat, runningNormalized(c).invStd, { mean: true, variance: true }),
    wrong: trainingDX((l, dOut, x) => {
      const { mean, variance } = l.running();
      return dXWith(dOut, x, Array.from(mean.data), invStdOf(variance.data, l.mistakeEps), l.gammaValue(), { mean: true, variance: true });
    }),
  },
  {
    id: "training backward with the running variance",
    exercise: "E4",
    shows: ["dX"],
    hint: WITH_RUNNING_IN_TRAINING_BACKWARD,
    value: (c) => dxOf(c, normalized(c.batches[0]).xHat, runningNormalized(c).invStd, { mean: true, variance: true }),
    // x̂ from the batch (as the forward cached it), invStd from the running variance.
    wrong: trainingDX((l, dOut, x) => {
      const s = statsOf(x);
      const batchInvStd = invStdOf(s.variance, l.mistakeEps);
      const runInvStd = invStdOf(l.running().variance.data, l.mistakeEps);
      const xHat = new Matrix(x.rows, x.cols, x.dtype);
      for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) xHat.set(i, j, (x.get(i, j) - s.mean[j]) * batchInvStd[j]);
      // dXWith takes x, mean and invStd; x̂ with mean 0 and invStd 1, then scaled by the running invStd.
      const unit = dXWith(dOut, xHat, new Array<number>(x.cols).fill(0), new Array<number>(x.cols).fill(1), l.gammaValue(), { mean: true, variance: true });
      return new Matrix(
        unit.rows,
        unit.cols,
        Float64Array.from(unit.data, (v, k) => v * runInvStd[k % unit.cols]),
      );
    }),
  },
  {
    id: "backward from the first forward's cache",
    exercise: "E4",
    shows: ["dX", "dγ"],
    hint: STALE_CACHE_HINT,
    value: (c, shows) => {
      const stale = normalized(decoyOf(c));
      return shows === "dX" ? dxOf(c, stale.xHat, stale.invStd, { mean: true, variance: true }) : dGammaOf(c, stale.xHat);
    },
    wrong: withFirstForwardCache,
  },
  // ---- training backward: dγ and dβ ----
  {
    id: "dγ and dβ swapped",
    exercise: "E4",
    shows: ["dγ", "dβ"],
    hint: "dγ and dβ are swapped: dγ = Σₙ dOut·x̂ (γ scales x̂), dβ = Σₙ dOut",
    value: (c, shows) => (shows === "dγ" ? sumAlong(c.dOut, "rows") : dGammaOf(c, normalized(c.batches[0]).xHat)),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override backward(dOut: Matrix): Matrix {
          const dX = super.backward(dOut);
          const [gamma, beta] = this.params();
          const dGamma = gamma.grad.clone();
          gamma.grad.data.set(beta.grad.data);
          beta.grad.data.set(dGamma.data);
          return dX;
        }
      },
  },
  {
    id: "dγ from the raw x",
    exercise: "E4",
    shows: ["dγ"],
    hint: "dγ uses the raw x; γ multiplies the normalised x̂, so dγ = Σₙ dOut·x̂",
    value: (c) => sumAlong(times(c.dOut, c.batches[0]), "rows"),
    wrong: afterBackwardGrad(0, (_l, dOut, x) => dGammaWith(dOut, x, new Array<number>(x.cols).fill(0), new Array<number>(x.cols).fill(1))),
  },
  {
    id: "dγ of the first row only",
    exercise: "E4",
    shows: ["dγ"],
    hint: "dγ is not summed over the batch: add up all N rows",
    value: (c) => rowMatrix(times(c.dOut, normalized(c.batches[0]).xHat), 0),
    wrong: afterBackwardGrad(0, (_l, dOut, _x, backward) => backward(firstRowOnly(dOut))[0].data),
  },
  {
    id: "dγ all zeros",
    exercise: "E4",
    shows: ["dγ"],
    hint: "dγ is all zeros: backward must set this.gamma.grad",
    value: (c) => zeros(c.d),
    wrong: afterBackwardGrad(0, (_l, dOut) => new Float64Array(dOut.cols)),
  },
  {
    id: "dγ from x̂ of the running statistics",
    exercise: "E4",
    shows: ["dγ"],
    hint: "dγ uses x̂ from the running statistics; in training mode x̂ is normalised with this batch's μ and σ², as in the forward",
    value: (c) => dGammaOf(c, runningNormalized(c).xHat),
    wrong: afterBackwardGrad(0, (l, dOut, x) => {
      const { mean, variance } = l.running();
      return dGammaWith(dOut, x, Array.from(mean.data), invStdOf(variance.data, l.mistakeEps));
    }),
  },
  {
    id: "dβ of the first row only",
    exercise: "E4",
    shows: ["dβ"],
    hint: "dβ is not summed over the batch: add up all N rows",
    value: (c) => rowMatrix(c.dOut, 0),
    wrong: afterBackwardGrad(1, (_l, dOut, _x, backward) => backward(firstRowOnly(dOut))[1].data),
  },
  {
    id: "dβ all zeros",
    exercise: "E4",
    shows: ["dβ"],
    hint: "dβ is all zeros: backward must set this.beta.grad",
    value: (c) => zerosLike(sumAlong(c.dOut, "rows")),
    wrong: afterBackwardGrad(1, (_l, dOut) => new Float64Array(dOut.cols)),
  },
  // ---- eval backward ----
  {
    id: "mean and variance paths in eval mode",
    exercise: "E4",
    shows: ["eval dX"],
    hint: "in eval mode the statistics are constants, so there are no mean and variance paths: dX = dOut·γ·invStd",
    value: (c) => {
      const r = runningAfterBatches(c.batches);
      const invStd = Array.from(r.variance.data, (v) => 1 / Math.sqrt(v + CHECK_EPS));
      return batchNormDx(
        c.dOut,
        mapMatrix(c.evalX, (v, _i, j) => (v - r.mean.data[j]) * invStd[j]),
        c.gamma,
        invStd,
        { mean: true, variance: true },
      );
    },
    wrong: (Correct) =>
      class extends observed(Correct) {
        override backward(dOut: Matrix): Matrix {
          const right = super.backward(dOut);
          const latest = this.mistakeLatest!;
          if (latest.training) return right;
          const { mean, variance } = this.running();
          return dXWith(dOut, latest.x, Array.from(mean.data), invStdOf(variance.data, this.mistakeEps), this.gammaValue(), { mean: true, variance: true });
        }
      },
  },
  {
    id: "batch statistics in eval backward",
    exercise: "E4",
    shows: ["eval dX"],
    hint: "eval backward uses the batch's own statistics; in eval mode forward normalised with the running ones, so dX = dOut·γ/√(running var + eps)",
    value: (c) => batchNormDx(c.dOut, normalized(c.evalX).xHat, c.gamma, normalized(c.evalX).invStd, { mean: false, variance: false }),
    wrong: (Correct) =>
      class extends observed(Correct) {
        override backward(dOut: Matrix): Matrix {
          const right = super.backward(dOut);
          const latest = this.mistakeLatest!;
          if (latest.training) return right;
          const s = statsOf(latest.x);
          return dXWith(dOut, latest.x, s.mean, invStdOf(s.variance, this.mistakeEps), this.gammaValue(), { mean: false, variance: false });
        }
      },
  },
];
