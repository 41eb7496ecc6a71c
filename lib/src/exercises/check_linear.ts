// E1's grader: the learner's Linear against the engine's Linear with the same weights,
// on random shapes in float64, and against finite differences of its own forward.
import { DType, Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer, Linear as ReferenceLinear, Param } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, Grader } from "./grader";
import { expectClose } from "./answer_comparison";
import { backwardAfterDecoy, construct, expectBackwardOverwrites, expectNumericGradients, expectInputKept, forwardCopy, paramsOf } from "./layer_harness";
import { suspectsFor } from "./mistakes/catalogue";
import { LINEAR_MISTAKES } from "./mistakes/linear";
import type { ExerciseReport } from "./report";
import type { LinearClass } from "./learner_api";
import type { LinearCase } from "./check_cases";

/** Four random shapes: out > in, square (so a transposed dW has the right shape), in > out, and N = 1. */
function linearCases(seed: number): LinearCase[] {
  const rng = new Rng(seed);
  const decoyRng = new Rng(seed + 1000);
  const pick = (lo: number, hi: number): number => lo + rng.int(hi - lo + 1);
  const square = pick(3, 5);
  const shapes = [
    [pick(3, 7), pick(2, 4), pick(5, 7)],
    [pick(3, 7), square, square],
    [pick(3, 7), pick(5, 7), pick(2, 4)],
    [1, pick(2, 4), pick(2, 4)],
  ];
  return shapes.map(([n, inF, outF]) => {
    const x = randomMatrix(n, inF, rng);
    const W = randomMatrix(inF, outF, rng);
    const b = randomMatrix(1, outF, rng);
    const dOut = randomMatrix(n, outF, rng);
    const ref = new ReferenceLinear(inF, outF, { init: "he", rng: new Rng(0), dtype: "float64" });
    ref.weight.value.data.set(W.data);
    ref.bias!.value.data.set(b.data);
    const y = ref.forward(x, { training: true }).clone();
    const dX = ref.backward(dOut).clone();
    const decoy = randomMatrix(n, inF, decoyRng);
    return { label: `N=${n}, in=${inF}, out=${outF}`, inF, outF, x, decoy, W, b, dOut, y, dX, dW: ref.weight.grad.clone(), db: ref.bias!.grad.clone() };
  });
}

/** A learner's Linear for case c, with the case's W and b loaded into its params. */
function learnerLinear(Linear: LinearClass, c: LinearCase): { layer: Layer; weight: Param; bias: Param } {
  const layer = construct("Linear", () => new Linear(c.inF, c.outF, new Rng(1), "float64"));
  const params = paramsOf(layer, "Linear");
  const [weight, bias] = params;
  const fits = (p: Param | undefined, rows: number, cols: number): boolean =>
    p !== undefined && p.value.rows === rows && p.value.cols === cols && p.grad.rows === rows && p.grad.cols === cols && p.value.dtype === "float64";
  if (params.length !== 2 || !fits(weight, c.inF, c.outF) || !fits(bias, 1, c.outF)) {
    const got = params.map((p) => `${p.name} ${p.value.shape} ${p.value.dtype}`).join(", ");
    throw new CheckFailure(
      `${c.label}: params() should be [weight (${c.inF}, ${c.outF}), bias (1, ${c.outF})] in float64, got [${got}]`,
      "keep the constructor and params() the exercise gives you",
    );
  }
  weight.value.data.set(c.W.data);
  bias.value.data.set(c.b.data);
  return { layer, weight, bias };
}

export function gradeLinear(Linear: LinearClass, options: GradeOptions = {}): ExerciseReport {
  const cases = linearCases(options.seed ?? 0);
  const g = new Grader("E1 · Linear", `4 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, {
    methods: ["Linear.forward", "Linear.backward"],
    engine: "nn.Linear",
  });
  const structureOk = g.check("constructor and params(): weight (in, out), bias (1, out)", () => {
    for (const c of cases) learnerLinear(Linear, c);
    return "as given";
  });
  if (!structureOk) return g.report();

  g.check("forward: y = x·W + b", (stats) => {
    for (const c of cases) {
      const layer = learnerLinear(Linear, c).layer;
      forwardCopy(layer, "Linear", c.decoy, true, c.label);
      const y = forwardCopy(layer, "Linear", c.x, true, c.label);
      expectClose(y, c.y, stats, {
        what: "y",
        where: c.label,
        suspects: suspectsFor(LINEAR_MISTAKES, "y", c),
        hint: "y[n][j] = Σ_k x[n][k]·W[k][j] + b[j]",
      });
    }
  });
  g.check("forward leaves x unchanged", () => {
    for (const c of cases) {
      expectInputKept(learnerLinear(Linear, c).layer, "Linear", c.x, true, c.label);
    }
    return `x intact in all ${cases.length} cases`;
  });

  const afterBackward = (c: LinearCase): { dX: Matrix; dW: Matrix; db: Matrix } => {
    const { layer, weight, bias } = learnerLinear(Linear, c);
    const dX = backwardAfterDecoy(layer, "Linear", c.decoy, c.x, true, c.dOut, c.label);
    return { dX, dW: weight.grad.clone(), db: bias.grad.clone() };
  };
  // NOTE: the square case first. A learner writes dX and dW into matrices of the right
  // shape, so W used for Wᵀ, or dW written transposed, only equals the suspect's value
  // (and gets its hint) where in = out; elsewhere it is just wrong numbers.
  const squareFirst = [...cases].sort((a, b) => Number(b.inF === b.outF) - Number(a.inF === a.outF));
  g.check("backward: dX (the return value)", (stats) => {
    for (const c of squareFirst) {
      expectClose(afterBackward(c).dX, c.dX, stats, {
        what: "dX (the return value)",
        where: c.label,
        suspects: suspectsFor(LINEAR_MISTAKES, "dX", c),
        hint: "dX[n][k] = Σ_j dOut[n][j]·W[k][j]",
      });
    }
  });
  const dWName = "backward: dW (this.weight.grad)";
  const dbName = "backward: db (this.bias.grad)";
  g.check(dWName, (stats) => {
    for (const c of squareFirst)
      expectClose(afterBackward(c).dW, c.dW, stats, {
        what: "dW",
        where: c.label,
        suspects: suspectsFor(LINEAR_MISTAKES, "dW", c),
        hint: "dW[k][j] = Σ_n x[n][k]·dOut[n][j]",
      });
  });
  g.check(dbName, (stats) => {
    for (const c of cases)
      expectClose(afterBackward(c).db, c.db, stats, {
        what: "db",
        where: c.label,
        suspects: suspectsFor(LINEAR_MISTAKES, "db", c),
        hint: "db[j] = Σ_n dOut[n][j]",
      });
  });
  g.checkAfter([dWName, dbName], "backward overwrites the grads (no += across calls)", (stats) => {
    for (const c of cases) {
      const { layer } = learnerLinear(Linear, c);
      forwardCopy(layer, "Linear", c.x, true, c.label);
      expectBackwardOverwrites(layer, "Linear", c.dOut, ["dW", "db"], c.label, stats);
    }
  });
  g.check("dX, dW, db vs finite differences", (stats) => {
    for (const c of cases) expectNumericGradients(learnerLinear(Linear, c).layer, "Linear", c.x, true, ["dW", "db"], c.label, stats);
  });
  return g.report();
}
