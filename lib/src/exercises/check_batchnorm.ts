// E4's grader: the learner's BatchNorm1d against the engine's, in training and eval mode:
// the forward, the running statistics (momentum the seed's way round, biased variance),
// the backward with its mean and variance paths, and finite differences.
import { DType, Matrix } from "../tensor";
import { Rng } from "../random";
import { BatchNorm1d as ReferenceBatchNorm, Layer, Param, StateBuffer } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, ErrorStats, Grader, learner } from "./grader";
import { describeValue, expectClose } from "./compare";
import { STALE_CACHE_HINT, backwardAfterDecoy, construct, expectBackwardOverwrites, expectNumericGradients, forwardCopy, paramsOf } from "./layer_harness";
import { batchNormDx, columnStats, normalizeWith, runningAfter } from "./batchnorm_math";
import { mapMatrix, rowMatrix, scaled, sumAlong, times, zerosLike } from "./matrix_ops";
import type { ExerciseReport } from "./report";

export type BatchNormClass = new (numFeatures: number, options: { momentum?: number; eps?: number; dtype?: DType }) => Layer;

// Not the defaults (0.9, 1e-5), so a hard-coded value shows, and eps large enough to matter.
const MOMENTUM = 0.8;
const EPS = 1e-3;

interface BatchNormCase {
  label: string;
  d: number;
  gamma: Matrix;
  beta: Matrix;
  /** Three training batches, then one batch seen in eval mode. */
  batches: Matrix[];
  evalX: Matrix;
  dOut: Matrix;
}

function batchNormCases(seed: number): BatchNormCase[] {
  const rng = new Rng(seed);
  const shapes = [[5 + rng.int(4), 3 + rng.int(3)], [3 + rng.int(3), 2 + rng.int(3)], [2, 2 + rng.int(3)]];
  return shapes.map(([n, d]) => {
    // Columns with their own offset and spread, so means and variances are far from 0 and 1.
    const offset = randomMatrix(1, d, rng);
    const spread = mapMatrix(randomMatrix(1, d, rng), (v) => 0.5 + Math.abs(v));
    const batch = (): Matrix => mapMatrix(randomMatrix(n, d, rng), (v, _i, j) => 3 * offset.data[j] + spread.data[j] * v);
    return {
      label: `N=${n}, D=${d}`,
      d,
      gamma: mapMatrix(randomMatrix(1, d, rng), (v) => 1 + 0.5 * v),
      beta: randomMatrix(1, d, rng),
      batches: [batch(), batch(), batch()],
      evalX: batch(),
      dOut: randomMatrix(n, d, rng),
    };
  });
}

interface Built {
  layer: Layer;
  gamma: Param;
  beta: Param;
  runningMean: StateBuffer;
  runningVar: StateBuffer;
}

function reference(c: BatchNormCase): Built {
  const layer = new ReferenceBatchNorm(c.d, { momentum: MOMENTUM, eps: EPS, dtype: "float64" });
  layer.gamma.value.data.set(c.gamma.data);
  layer.beta.value.data.set(c.beta.data);
  return { layer, gamma: layer.gamma, beta: layer.beta, runningMean: layer.runningMean, runningVar: layer.runningVar };
}

/** The learner's layer with the case's γ and β; checks the constructor's params, buffers and their start values. */
function build(BatchNorm: BatchNormClass, c: BatchNormCase): Built {
  const layer = construct("BatchNorm1d", () => new BatchNorm(c.d, { momentum: MOMENTUM, eps: EPS, dtype: "float64" }));
  const [gamma, beta] = paramsOf(layer, "BatchNorm1d");
  const buffers = learner("BatchNorm1d.buffers", () => layer.buffers());
  if (!Array.isArray(buffers) || buffers.length !== 2 || buffers.some((b) => !(b?.value instanceof Matrix))) {
    throw new CheckFailure(`${c.label}: buffers() returned ${describeValue(buffers)}`, "buffers() returns [this.runningMean, this.runningVar], as given");
  }
  const [runningMean, runningVar] = buffers;
  const starts: Array<[string, Matrix | undefined, number]> = [["γ", gamma?.value, 1], ["β", beta?.value, 0], ["running mean", runningMean.value, 0], ["running var", runningVar.value, 1]];
  for (const [what, m, start] of starts) {
    if (m === undefined || m.rows !== 1 || m.cols !== c.d || m.dtype !== "float64" || m.data.some((v) => v !== start)) {
      throw new CheckFailure(`${c.label}: ${what} should be a (1, ${c.d}) float64 matrix of ${start}s, got ${m === undefined ? "nothing" : `${m.shape} ${m.dtype}`}`, "keep the constructor the exercise gives you");
    }
  }
  gamma.value.data.set(c.gamma.data);
  beta.value.data.set(c.beta.data);
  return { layer, gamma, beta, runningMean, runningVar };
}

export function gradeBatchNorm(BatchNorm: BatchNormClass, options: GradeOptions = {}): ExerciseReport {
  const cases = batchNormCases(options.seed ?? 0);
  const g = new Grader("E4 · BatchNorm1d", `momentum ${MOMENTUM}, eps ${EPS}, 3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, {
    methods: ["BatchNorm1d.forward", "BatchNorm1d.backward"],
    engine: "nn.BatchNorm1d",
  });
  if (!g.check("constructor: γ = 1, β = 0, running mean 0, running var 1", () => (cases.forEach((c) => build(BatchNorm, c)), "as given"))) return g.report();
  const bn = "BatchNorm1d";

  g.check("training forward: y = γ·(x − μ)/√(σ² + eps) + β", (stats) => {
    for (const c of cases) {
      const x = c.batches[0];
      const s = columnStats(x);
      const d = columnStats(decoyOf(c));
      const sqrtEps = (v: number[]): number[] => v.map((q) => Math.sqrt(q + EPS));
      const layer = build(BatchNorm, c).layer;
      forwardCopy(layer, bn, decoyOf(c), true, c.label);
      expectClose(forwardCopy(layer, bn, x, true, c.label), reference(c).layer.forward(x, { training: true }).clone(), stats, {
        what: "y",
        where: c.label,
        suspects: [
          { hint: "eps is missing: divide by √(σ² + eps), not √σ²", value: () => normalizeWith(x, s.mean, s.variance.map(Math.sqrt), c.gamma, c.beta) },
          { hint: "the variance is unbiased (÷(N − 1)); BatchNorm normalises with the biased batch variance (÷N)", value: () => normalizeWith(x, s.mean, sqrtEps(s.unbiased), c.gamma, c.beta) },
          { hint: "eps is added to the standard deviation; add it to the variance: √(σ² + eps)", value: () => normalizeWith(x, s.mean, s.variance.map((v) => Math.sqrt(v) + EPS), c.gamma, c.beta) },
          { hint: "γ and β are not applied: y = γ·x̂ + β", value: () => normalizeWith(x, s.mean, sqrtEps(s.variance), ones(c.d), zeros(c.d)) },
          { hint: "training mode normalises with the running statistics; it must use this batch's mean and variance", value: () => normalizeWith(x, zerosArray(c.d), onesArray(c.d).map((v) => Math.sqrt(v + EPS)), c.gamma, c.beta) },
          {
            hint: "training mode normalises with the running statistics; it must use this batch's mean and variance",
            value: () => normalizeWith(x, Array.from(runningAfterTwo(c).mean.data), sqrtEps(Array.from(runningAfterTwo(c).variance.data)), c.gamma, c.beta),
          },
          { hint: "forward normalised with the statistics of its FIRST batch (a decoy): compute μ and σ² from the x it is given, every call", value: () => normalizeWith(x, d.mean, sqrtEps(d.variance), c.gamma, c.beta) },
        ],
        hint: "y[n][j] = γ[j]·(x[n][j] − μ[j])/√(σ²[j] + eps) + β[j], with μ and σ² (÷N) of this batch's column j",
      });
    }
  });

  g.check(`running stats := ${MOMENTUM}·running + ${(1 - MOMENTUM).toFixed(1)}·batch (biased variance)`, (stats) => {
    for (const c of cases) {
      const b = build(BatchNorm, c);
      for (const x of c.batches) forwardCopy(b.layer, bn, x, true, c.label);
      const m = MOMENTUM;
      const right = runningAfter(c.batches, (old, batch) => m * old + (1 - m) * batch, false);
      const flipped = "momentum is applied the wrong way round: running := m·running + (1 − m)·batch, so the old value keeps weight m";
      const still = "the running statistics are not updated: training-mode forward must move them toward each batch's statistics";
      const replaced = "the running statistics are replaced by the batch's: blend them, running := m·running + (1 − m)·batch";
      const lastStats = runningAfter(c.batches.slice(-1), (_old, batch) => batch, false);
      expectClose(b.runningMean.value, right.mean, stats, {
        what: "running mean after 3 training batches",
        where: c.label,
        hint: `after each training batch: running mean := ${m}·running mean + ${(1 - m).toFixed(1)}·(the batch's column mean), from 0`,
        suspects: [
          { hint: flipped, value: () => runningAfter(c.batches, (old, batch) => (1 - m) * old + m * batch, false).mean },
          { hint: still, value: () => zeros(c.d) },
          { hint: replaced, value: () => lastStats.mean },
        ],
      });
      expectClose(b.runningVar.value, right.variance, stats, {
        what: "running var after 3 training batches",
        where: c.label,
        hint: `after each training batch: running var := ${m}·running var + ${(1 - m).toFixed(1)}·(the batch's biased column variance, ÷N), from 1`,
        suspects: [
          { hint: "the running variance is updated with the unbiased batch variance (÷(N − 1)); the convention here is the biased one (÷N), the same the forward normalises with", value: () => runningAfter(c.batches, (old, batch) => m * old + (1 - m) * batch, true).variance },
          { hint: flipped, value: () => runningAfter(c.batches, (old, batch) => (1 - m) * old + m * batch, false).variance },
          { hint: still, value: () => ones(c.d) },
          { hint: replaced, value: () => lastStats.variance },
        ],
      });
    }
  });

  /** The learner's and the engine's layer after the three training batches. */
  const trained = (c: BatchNormCase): { mine: Built; ref: Built } => {
    const mine = build(BatchNorm, c);
    const ref = reference(c);
    for (const x of c.batches) {
      forwardCopy(mine.layer, bn, x, true, c.label);
      ref.layer.forward(x, { training: true });
    }
    // From here both use the same running statistics, so eval checks do not depend on the update above.
    mine.runningMean.value.data.set(ref.runningMean.value.data);
    mine.runningVar.value.data.set(ref.runningVar.value.data);
    return { mine, ref };
  };
  g.check("eval forward normalises with the running statistics", (stats) => {
    for (const c of cases) {
      const { mine, ref } = trained(c);
      const s = columnStats(c.evalX);
      const runVar = Array.from(ref.runningVar.value.data);
      expectClose(forwardCopy(mine.layer, bn, c.evalX, false, c.label), ref.layer.forward(c.evalX, { training: false }).clone(), stats, {
        what: "y in eval mode",
        where: c.label,
        hint: "y[n][j] = γ[j]·(x[n][j] − running mean[j])/√(running var[j] + eps) + β[j]",
        suspects: [
          { hint: "eval mode uses the batch's own mean and variance; it must use the running statistics (options.training is false)", value: () => normalizeWith(c.evalX, s.mean, s.variance.map((v) => Math.sqrt(v + EPS)), c.gamma, c.beta) },
          { hint: "eps is missing in eval mode: divide by √(running var + eps)", value: () => normalizeWith(c.evalX, Array.from(ref.runningMean.value.data), runVar.map(Math.sqrt), c.gamma, c.beta) },
        ],
      });
    }
  });
  g.check("eval forward leaves the running statistics alone", (stats) => {
    for (const c of cases) {
      const { mine, ref } = trained(c);
      forwardCopy(mine.layer, bn, c.evalX, false, c.label);
      const hint = "only training mode updates the running statistics; in eval mode they are read, never written";
      expectClose(mine.runningMean.value, ref.runningMean.value, stats, { what: "running mean after an eval forward", where: c.label, hint });
      expectClose(mine.runningVar.value, ref.runningVar.value, stats, { what: "running var after an eval forward", where: c.label, hint });
    }
  });

  const dXName = "training backward: dX with the mean and variance paths";
  const paramsName = "training backward: dγ and dβ (this.gamma.grad, this.beta.grad)";
  g.check(dXName, (stats) => {
    for (const c of cases) {
      const x = c.batches[0];
      const ref = reference(c);
      ref.layer.forward(x, { training: true });
      const expected = ref.layer.backward(c.dOut).clone();
      const mine = build(BatchNorm, c);
      const dXMine = backwardAfterDecoy(mine.layer, bn, decoyOf(c), x, true, c.dOut, c.label);
      const { xHat, invStd } = normalized(x);
      const dx = (paths: { mean: boolean; variance: boolean }): Matrix => batchNormDx(c.dOut, xHat, c.gamma, invStd, paths);
      const stale = normalized(decoyOf(c));
      const running = runningAfterTwo(c);
      const runInvStd = Array.from(running.variance.data, (v) => 1 / Math.sqrt(v + EPS));
      const runXHat = mapMatrix(x, (v, _i, j) => (v - running.mean.data[j]) * runInvStd[j]);
      const withRunning = "training backward uses the running statistics; in training mode forward normalised with this batch's μ and σ², so backward must use the same batch statistics (keep them, or x̂ and invStd, in the forward's cache)";
      expectClose(dXMine, expected, stats, {
        what: "dX",
        where: c.label,
        suspects: [
          { hint: "BatchNorm backward is missing the mean and variance paths: in training mode μ and σ² depend on x too, so dX = γ·invStd·(dOut − mean(dOut) − x̂·mean(dOut·x̂)), not dOut·γ·invStd", value: () => dx({ mean: false, variance: false }) },
          { hint: "the variance path is missing: dX = γ·invStd·(dOut − mean(dOut) − x̂·mean(dOut·x̂)); the last term comes through σ²", value: () => dx({ mean: true, variance: false }) },
          { hint: "the mean path is missing: dX = γ·invStd·(dOut − mean(dOut) − x̂·mean(dOut·x̂)); the mean(dOut) term comes through μ", value: () => dx({ mean: false, variance: true }) },
          { hint: withRunning, value: () => batchNormDx(c.dOut, runXHat, c.gamma, runInvStd, { mean: true, variance: true }) },
          { hint: withRunning, value: () => batchNormDx(c.dOut, xHat, c.gamma, runInvStd, { mean: true, variance: true }) },
          { hint: STALE_CACHE_HINT, value: () => batchNormDx(c.dOut, stale.xHat, c.gamma, stale.invStd, { mean: true, variance: true }) },
        ],
        hint: "dX = γ·invStd/N · (N·dOut − Σₙ dOut − x̂·Σₙ(dOut·x̂))",
      });
    }
  });
  g.check(paramsName, (stats) => {
    for (const c of cases) {
      const x = c.batches[0];
      const { xHat } = normalized(x);
      const dGamma = sumAlong(times(c.dOut, xHat), "rows");
      const dBeta = sumAlong(c.dOut, "rows");
      const mine = build(BatchNorm, c);
      backwardAfterDecoy(mine.layer, bn, decoyOf(c), x, true, c.dOut, c.label);
      const running = runningAfterTwo(c);
      const runXHat = mapMatrix(x, (v, _i, j) => (v - running.mean.data[j]) / Math.sqrt(running.variance.data[j] + EPS));
      const swapped = "dγ and dβ are swapped: dγ = Σₙ dOut·x̂ (γ scales x̂), dβ = Σₙ dOut";
      expectClose(mine.gamma.grad, dGamma, stats, {
        what: "dγ (this.gamma.grad)",
        where: c.label,
        suspects: [
          { hint: swapped, value: () => dBeta },
          { hint: "dγ uses the raw x; γ multiplies the normalised x̂, so dγ = Σₙ dOut·x̂", value: () => sumAlong(times(c.dOut, x), "rows") },
          { hint: "dγ is not summed over the batch: add up all N rows", value: () => rowMatrix(times(c.dOut, xHat), 0) },
          { hint: "dγ is all zeros: backward must set this.gamma.grad", value: () => zerosLike(dGamma) },
          { hint: "dγ uses x̂ from the running statistics; in training mode x̂ is normalised with this batch's μ and σ², as in the forward", value: () => sumAlong(times(c.dOut, runXHat), "rows") },
          { hint: STALE_CACHE_HINT, value: () => sumAlong(times(c.dOut, normalized(decoyOf(c)).xHat), "rows") },
        ],
        hint: "dγ[j] = Σ_n dOut[n][j]·x̂[n][j], x̂ = (x − μ)/√(σ² + eps) with this batch's statistics",
      });
      expectClose(mine.beta.grad, dBeta, stats, {
        what: "dβ (this.beta.grad)",
        where: c.label,
        suspects: [
          { hint: swapped, value: () => dGamma },
          { hint: "dβ is not summed over the batch: add up all N rows", value: () => rowMatrix(c.dOut, 0) },
          { hint: "dβ is all zeros: backward must set this.beta.grad", value: () => zerosLike(dBeta) },
        ],
        hint: "dβ[j] = Σ_n dOut[n][j]",
      });
    }
  });
  g.check("eval backward: dX", (stats) => {
    for (const c of cases) {
      const { mine, ref } = trained(c);
      const dXMine = backwardAfterDecoy(mine.layer, bn, decoyOf(c), c.evalX, false, c.dOut, c.label);
      ref.layer.forward(c.evalX, { training: false });
      const expected = ref.layer.backward(c.dOut).clone();
      const invStd = Array.from(ref.runningVar.value.data, (v) => 1 / Math.sqrt(v + EPS));
      const xHat = mapMatrix(c.evalX, (v, _i, j) => (v - ref.runningMean.value.data[j]) * invStd[j]);
      const batch = normalized(c.evalX);
      expectClose(dXMine, expected, stats, {
        what: "dX in eval mode",
        where: c.label,
        suspects: [
          { hint: "in eval mode the statistics are constants, so there are no mean and variance paths: dX = dOut·γ·invStd", value: () => batchNormDx(c.dOut, xHat, c.gamma, invStd, { mean: true, variance: true }) },
          { hint: "eval backward uses the batch's own statistics; in eval mode forward normalised with the running ones, so dX = dOut·γ/√(running var + eps)", value: () => batchNormDx(c.dOut, batch.xHat, c.gamma, batch.invStd, { mean: false, variance: false }) },
        ],
        hint: "dX[n][j] = dOut[n][j]·γ[j]/√(running var[j] + eps)",
      });
    }
  });
  g.checkAfter([paramsName], "backward overwrites dγ and dβ (no += across calls)", (stats) => {
    for (const c of cases) {
      const x = c.batches[0];
      const mine = build(BatchNorm, c);
      forwardCopy(mine.layer, bn, x, true, c.label);
      expectBackwardOverwrites(mine.layer, bn, c.dOut, ["dγ", "dβ"], c.label, stats);
    }
  });
  g.check("dX, dγ, dβ vs finite differences (training and eval)", (stats: ErrorStats) => {
    for (const c of cases) {
      expectNumericGradients(build(BatchNorm, c).layer, bn, c.batches[0], true, ["dγ", "dβ"], `${c.label}, training`, stats);
      expectNumericGradients(trained(c).mine.layer, bn, c.evalX, false, ["dγ", "dβ"], `${c.label}, eval`, stats);
    }
  });
  return g.report();
}

/** The batch a layer sees before the one checked, so backward must use its latest forward. */
const decoyOf = (c: BatchNormCase): Matrix => c.batches[1];

/** Running statistics after the decoy and the first batch, in training mode (what a fresh layer holds at backward). */
const runningAfterTwo = (c: BatchNormCase): { mean: Matrix; variance: Matrix } => runningAfter([decoyOf(c), c.batches[0]], (old, batch) => MOMENTUM * old + (1 - MOMENTUM) * batch, false);

/** x̂ and 1/√(σ² + eps) of a batch, with the biased variance. */
function normalized(x: Matrix): { xHat: Matrix; invStd: number[] } {
  const s = columnStats(x);
  const invStd = s.variance.map((v) => 1 / Math.sqrt(v + EPS));
  return { xHat: mapMatrix(x, (v, _i, j) => (v - s.mean[j]) * invStd[j]), invStd };
}

const ones = (d: number): Matrix => new Matrix(1, d, new Float64Array(d).fill(1));
const zeros = (d: number): Matrix => new Matrix(1, d, "float64");
const onesArray = (d: number): number[] => new Array<number>(d).fill(1);
const zerosArray = (d: number): number[] => new Array<number>(d).fill(0);
