// E4's grader: the learner's BatchNorm1d against the engine's, in training and eval mode:
// the forward, the running statistics (momentum the seed's way round, biased variance),
// the backward with its mean and variance paths, and finite differences.
import { DType, Matrix } from "../tensor";
import { Rng } from "../random";
import { BatchNorm1d as ReferenceBatchNorm, Layer, Param, StateBuffer } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, ErrorStats, Grader, learner } from "./grader";
import { describeValue, expectClose } from "./answer_comparison";
import { backwardAfterDecoy, construct, expectBackwardOverwrites, expectNumericGradients, forwardCopy, paramsOf } from "./layer_harness";
import { CHECK_EPS as EPS, CHECK_MOMENTUM as MOMENTUM, decoyOf, normalized, runningAfter } from "./batchnorm_math";
import { mapMatrix, sumAlong, times } from "./matrix_ops";
import { suspectsFor } from "./mistakes/catalogue";
import { BATCHNORM_MISTAKES } from "./mistakes/batchnorm";
import type { ExerciseReport } from "./report";
import type { BatchNormClass } from "./learner_api";
import type { BatchNormCase } from "./check_cases";

function batchNormCases(seed: number): BatchNormCase[] {
  const rng = new Rng(seed);
  const shapes = [
    [5 + rng.int(4), 3 + rng.int(3)],
    [3 + rng.int(3), 2 + rng.int(3)],
    [2, 2 + rng.int(3)],
  ];
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
  const starts: Array<[string, Matrix | undefined, number]> = [
    ["γ", gamma?.value, 1],
    ["β", beta?.value, 0],
    ["running mean", runningMean.value, 0],
    ["running var", runningVar.value, 1],
  ];
  for (const [what, m, start] of starts) {
    if (m === undefined || m.rows !== 1 || m.cols !== c.d || m.dtype !== "float64" || m.data.some((v) => v !== start)) {
      throw new CheckFailure(
        `${c.label}: ${what} should be a (1, ${c.d}) float64 matrix of ${start}s, got ${m === undefined ? "nothing" : `${m.shape} ${m.dtype}`}`,
        "keep the constructor the exercise gives you",
      );
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
      const layer = build(BatchNorm, c).layer;
      forwardCopy(layer, bn, decoyOf(c), true, c.label);
      expectClose(forwardCopy(layer, bn, x, true, c.label), reference(c).layer.forward(x, { training: true }).clone(), stats, {
        what: "y",
        where: c.label,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "y", c),
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
      expectClose(b.runningMean.value, right.mean, stats, {
        what: "running mean after 3 training batches",
        where: c.label,
        hint: `after each training batch: running mean := ${m}·running mean + ${(1 - m).toFixed(1)}·(the batch's column mean), from 0`,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "running mean", c),
      });
      expectClose(b.runningVar.value, right.variance, stats, {
        what: "running var after 3 training batches",
        where: c.label,
        hint: `after each training batch: running var := ${m}·running var + ${(1 - m).toFixed(1)}·(the batch's biased column variance, ÷N), from 1`,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "running var", c),
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
      expectClose(forwardCopy(mine.layer, bn, c.evalX, false, c.label), ref.layer.forward(c.evalX, { training: false }).clone(), stats, {
        what: "y in eval mode",
        where: c.label,
        hint: "y[n][j] = γ[j]·(x[n][j] − running mean[j])/√(running var[j] + eps) + β[j]",
        suspects: suspectsFor(BATCHNORM_MISTAKES, "eval y", c),
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
      expectClose(dXMine, expected, stats, {
        what: "dX",
        where: c.label,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "dX", c),
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
      expectClose(mine.gamma.grad, dGamma, stats, {
        what: "dγ (this.gamma.grad)",
        where: c.label,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "dγ", c),
        hint: "dγ[j] = Σ_n dOut[n][j]·x̂[n][j], x̂ = (x − μ)/√(σ² + eps) with this batch's statistics",
      });
      expectClose(mine.beta.grad, dBeta, stats, {
        what: "dβ (this.beta.grad)",
        where: c.label,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "dβ", c),
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
      expectClose(dXMine, expected, stats, {
        what: "dX in eval mode",
        where: c.label,
        suspects: suspectsFor(BATCHNORM_MISTAKES, "eval dX", c),
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
