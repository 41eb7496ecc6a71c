// E2's grader: the learner's ReLU and Sigmoid against the engine's, on random shapes in
// float64, against finite differences, and (Sigmoid) at inputs of ±1000.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer, ReLU as ReferenceReLU, Sigmoid as ReferenceSigmoid } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, Grader } from "./grader";
import { Suspect, expectClose } from "./compare";
import { STALE_CACHE_HINT, backwardAfterDecoy, backwardCopy, construct, expectBackwardOverwrites, expectNumericGradients, expectInputKept, forwardCopy, paramsOf } from "./layer_harness";
import { mapMatrix, scaled, times, zerosLike } from "./matrix_ops";
import type { ExerciseReport } from "./report";

/** The constructor the E2 notebook gives the learner's activations. */
export type ActivationClass = new () => Layer;

interface ActivationCase {
  label: string;
  x: Matrix;
  /** A batch of x's shape that forward sees first: backward must use the latest forward. */
  decoy: Matrix;
  /** The engine's output on the decoy. */
  decoyY: Matrix;
  dOut: Matrix;
  y: Matrix;
  dX: Matrix;
}

interface ActivationSpec {
  title: string;
  name: string;
  formula: string;
  reference: () => Layer;
  /** The exact dX compared, for the hint when no named mistake matches; never in a check's name (the lesson asks for its derivation). */
  backwardFormula: string;
  forwardSuspects: (c: ActivationCase) => Suspect[];
  backwardSuspects: (c: ActivationCase) => Suspect[];
  /** dX from the decoy's cache with this dOut: what `this.x ??= x` gives. */
  staleBackward: (c: ActivationCase) => Matrix;
  /** A case the random ones avoid (ReLU: exact zeros, where a convention decides), added to the backward check. */
  edgeCase?: () => ActivationCase;
}

/** Three random shapes, with inputs kept 1e-3 away from 0 (ReLU's kink, where finite differences lie). */
function activationCases(seed: number, reference: () => Layer): ActivationCase[] {
  const rng = new Rng(seed);
  const decoyRng = new Rng(seed + 1000);
  const shapes = [[3 + rng.int(5), 2 + rng.int(5)], [2 + rng.int(4), 2 + rng.int(4)], [1, 3 + rng.int(4)]];
  const awayFromZero = (m: Matrix): Matrix => mapMatrix(scaled(m, 2), (v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
  return shapes.map(([n, d]) => {
    const x = awayFromZero(randomMatrix(n, d, rng));
    const dOut = randomMatrix(n, d, rng);
    return activationCase(`N=${n}, D=${d}`, x, awayFromZero(randomMatrix(n, d, decoyRng)), dOut, reference);
  });
}

function activationCase(label: string, x: Matrix, decoy: Matrix, dOut: Matrix, reference: () => Layer): ActivationCase {
  const ref = reference();
  const y = ref.forward(x, { training: true }).clone();
  const decoyY = reference().forward(decoy, { training: true }).clone();
  return { label, x, decoy, decoyY, dOut, y, dX: ref.backward(dOut.clone()).clone() };
}

function gradeActivation(Class: ActivationClass, spec: ActivationSpec, options: GradeOptions, extra?: (g: Grader, make: () => Layer) => void, after?: (g: Grader, make: () => Layer) => void): ExerciseReport {
  const cases = activationCases(options.seed ?? 0, spec.reference);
  const g = new Grader(spec.title, `3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, { methods: [`${spec.name}.forward`, `${spec.name}.backward`], engine: `nn.${spec.name}` });
  const make = (): Layer => construct(spec.name, () => new Class());
  const structureOk = g.check("a Layer with no params", () => {
    const params = paramsOf(make(), spec.name);
    if (params.length > 0) throw new CheckFailure(`${spec.name}.params() returned ${params.length} params`, "an activation has nothing to learn: params() returns []");
    return "as given";
  });
  if (!structureOk) return g.report();
  const forwardName = `forward: ${spec.formula}`;
  g.check(forwardName, (stats) => {
    for (const c of cases) {
      const layer = make();
      forwardCopy(layer, spec.name, c.decoy, true, c.label);
      const suspects = [...spec.forwardSuspects(c), { hint: "forward returned the output of its FIRST call (a decoy batch), not of this x: compute y from the x it is given, every call", value: () => c.decoyY }];
      expectClose(forwardCopy(layer, spec.name, c.x, true, c.label), c.y, stats, { what: "y", where: c.label, suspects, hint: spec.formula });
    }
  });
  g.check("forward leaves x unchanged", () => {
    for (const c of cases) {
      expectInputKept(make(), spec.name, c.x, true, c.label);
    }
    return `x intact in all ${cases.length} cases`;
  });
  extra?.(g, make);
  g.check("backward: dX (the return value)", (stats) => {
    // A decoy forward first, then the case's: backward must differentiate the latest call,
    // and a second backward with the same dOut must give the same dX.
    for (const c of spec.edgeCase === undefined ? cases : [...cases, spec.edgeCase()]) {
      const layer = make();
      const dX = backwardAfterDecoy(layer, spec.name, c.decoy, c.x, true, c.dOut, c.label);
      const suspects = [...spec.backwardSuspects(c), { hint: STALE_CACHE_HINT, value: () => spec.staleBackward(c) }];
      expectClose(dX, c.dX, stats, { what: "dX", where: c.label, suspects, hint: spec.backwardFormula });
      expectBackwardOverwrites(layer, spec.name, c.dOut, [], c.label, stats);
    }
  });
  after?.(g, make);
  g.check("dX vs finite differences", (stats) => {
    for (const c of cases) expectNumericGradients(make(), spec.name, c.x, true, [], c.label, stats);
  });
  return g.report();
}

export function gradeReLU(ReLU: ActivationClass, options: GradeOptions = {}): ExerciseReport {
  return gradeActivation(ReLU, {
    title: "E2 · ReLU",
    name: "ReLU",
    formula: "y = max(x, 0)",
    reference: () => new ReferenceReLU(),
    backwardFormula: "dX = dOut where x > 0, else 0",
    forwardSuspects: (c) => [
      { hint: "y equals x: negative inputs must become 0", value: () => c.x },
      { hint: "the comparison is the wrong way round: keep x where x > 0 and put 0 where x ≤ 0", value: () => mapMatrix(c.x, (v) => Math.min(v, 0)) },
      { hint: "y is the 0/1 mask; ReLU returns x itself where x > 0", value: () => mapMatrix(c.x, (v) => (v > 0 ? 1 : 0)) },
    ],
    backwardSuspects: (c) => [
      { hint: "dX equals dOut: the gradient must be 0 wherever x ≤ 0 (the mask x > 0)", value: () => c.dOut },
      { hint: "the mask comes from dOut > 0; it must come from the forward input (x > 0), which backward has to remember", value: () => mapMatrix(c.dOut, (v) => (v > 0 ? v : 0)) },
      { hint: "dX is the 0/1 mask alone; multiply it by dOut (chain rule)", value: () => mapMatrix(c.x, (v) => (v > 0 ? 1 : 0)) },
      { hint: "the mask is inverted: pass dOut where x > 0, 0 where x ≤ 0", value: () => mapMatrix(c.dOut, (v, i, j) => (c.x.get(i, j) > 0 ? 0 : v)) },
      { hint: "dX is all zeros: return dOut masked by x > 0", value: () => zerosLike(c.dOut) },
      {
        hint: "at x = 0 exactly, dX must be 0: the lesson takes ReLU's derivative at the kink as 0 (as PyTorch and the engine do), so the mask is x > 0, not x ≥ 0",
        value: () => mapMatrix(c.dOut, (v, i, j) => (c.x.get(i, j) >= 0 ? v : 0)),
      },
    ],
    staleBackward: (c) => mapMatrix(c.dOut, (v, i, j) => (c.decoy.get(i, j) > 0 ? v : 0)),
    edgeCase: () => {
      const x = Matrix.fromRows([[0, 1.5, -0.5, 0], [-2, 0, 0, 0.25], [0, -0.75, 2, 0]], "float64");
      const decoy = Matrix.fromRows([[1, -1, 1, -1], [1, 1, -1, -1], [-1, 1, 1, 1]], "float64");
      const dOut = Matrix.fromRows([[0.5, -1, 2, -0.25], [1.5, 0.75, -2, 1], [-0.5, 0.25, 1, 3]], "float64");
      return activationCase("x with exact zeros (the kink)", x, decoy, dOut, () => new ReferenceReLU());
    },
  }, options);
}

export function gradeSigmoid(Sigmoid: ActivationClass, options: GradeOptions = {}): ExerciseReport {
  const sigma = (v: number): number => 1 / (1 + Math.exp(-v));
  return gradeActivation(Sigmoid, {
    title: "E2 · Sigmoid",
    name: "Sigmoid",
    formula: "y = 1 / (1 + e^(−x))",
    reference: () => new ReferenceSigmoid(),
    backwardFormula: "dX = dOut · y · (1 − y)",
    forwardSuspects: (c) => [
      { hint: "the exponent's sign is flipped: σ(x) = 1 / (1 + e^(−x))", value: () => mapMatrix(c.x, (v) => sigma(-v)) },
      { hint: "y is e^(−x) / (1 + e^(−x)) = 1 − σ(x); σ(x) = 1 / (1 + e^(−x))", value: () => mapMatrix(c.y, (v) => 1 - v) },
    ],
    backwardSuspects: (c) => [
      { hint: "σ'(x) = y·(1 − y) uses the output y = σ(x), not the input x", value: () => mapMatrix(c.dOut, (v, i, j) => v * c.x.get(i, j) * (1 - c.x.get(i, j))) },
      { hint: "dX is σ'(x) alone; multiply it by dOut (chain rule)", value: () => mapMatrix(c.y, (v) => v * (1 - v)) },
      { hint: "the factor (1 − y) is missing: dX = dOut · y · (1 − y)", value: () => times(c.dOut, c.y) },
      { hint: "dX equals dOut: multiply by σ'(x) = y·(1 − y)", value: () => c.dOut },
    ],
    staleBackward: (c) => mapMatrix(c.dOut, (v, i, j) => v * c.decoyY.get(i, j) * (1 - c.decoyY.get(i, j))),
  }, options, (g, make) => {
    g.check("forward at x = ±1000: 0 and 1, no NaN", (stats) => {
      const x = Matrix.fromRows([[-1000, -700, 0, 700, 1000]], "float64");
      const expected = mapMatrix(x, sigma);
      expectClose(forwardCopy(make(), "Sigmoid", x, true, "x = [−1000, −700, 0, 700, 1000]"), expected, stats, {
        what: "y",
        where: "x = [−1000, −700, 0, 700, 1000]",
        hint: "e^x / (1 + e^x) is Infinity / Infinity = NaN for large x; 1 / (1 + e^(−x)) gives 0 and 1 correctly",
      });
    });
  }, (g, make) => {
    g.check("backward at x = ±1000: dX finite and right", (stats) => {
      const x = Matrix.fromRows([[-1000, -700, 0, 700, 1000]], "float64");
      const dOut = Matrix.fromRows([[0.5, -1, 2, 1, -0.25]], "float64");
      const where = "x = [−1000, −700, 0, 700, 1000]";
      const ref = new ReferenceSigmoid();
      ref.forward(x, { training: true });
      const expected = ref.backward(dOut.clone()).clone();
      const layer = make();
      forwardCopy(layer, "Sigmoid", x, true, where);
      const overflow = "σ'(x) recomputed from the stored x overflows: e^1000 is Infinity and Infinity / Infinity = NaN. Use the output forward stored: σ'(x) = y·(1 − y), which is 0 at x = ±1000";
      expectClose(backwardCopy(layer, "Sigmoid", dOut, where), expected, stats, {
        what: "dX",
        where,
        suspects: [
          { hint: overflow, value: () => mapMatrix(x, (v, _i, j) => (dOut.data[j] * Math.exp(-v)) / (1 + Math.exp(-v)) ** 2) },
          { hint: overflow, value: () => mapMatrix(x, (v, _i, j) => (dOut.data[j] * Math.exp(v)) / (1 + Math.exp(v)) ** 2) },
          { hint: overflow, value: () => mapMatrix(x, (v, _i, j) => dOut.data[j] * (Math.exp(v) / (1 + Math.exp(v))) * (1 - Math.exp(v) / (1 + Math.exp(v)))) },
        ],
        hint: "dX = dOut · y · (1 − y) with y = σ(x) from the forward: at x = ±1000, y is 0 or 1 and dX is 0; at x = 0 it is dOut/4",
      });
    });
  });
}
