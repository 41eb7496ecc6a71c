// E4's BatchNorm mistakes in the backward pass: dX in training (the mean and variance paths,
// which statistics, a stale cache), dγ and dβ, and dX in eval mode. Part of the catalogue in
// batchnorm.ts.
import { Matrix } from "../../tensor";
import type { Layer } from "../../layers";
import type { BatchNormClass } from "../learner_api";
import type { BatchNormCase } from "../check_cases";
import { STALE_CACHE_HINT } from "../layer_harness";
import { CHECK_EPS, batchNormDx, decoyOf, normalized, runningAfterBatches, runningAfterTwo } from "../batchnorm_math";
import { mapMatrix, rowMatrix, sumAlong, times, zerosLike } from "../matrix_ops";
import { Mixable } from "./catalogue";
import { withFirstForwardCache } from "./layers";
import { BatchNormMistake, Observed, observed, statsOf, zeros } from "./batchnorm_shared";

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

const WITH_RUNNING_IN_TRAINING_BACKWARD =
  "training backward uses the running statistics; in training mode forward normalised with this batch's μ and σ², so backward must use the same batch statistics (keep them, or x̂ and invStd, in the forward's cache)";
const PATHS_FORMULA = "dX = γ·invStd·(dOut − mean(dOut) − x̂·mean(dOut·x̂))";

export const BACKWARD_MISTAKES: readonly BatchNormMistake[] = [
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
