// E2's grader: the learner's ReLU and Sigmoid against the engine's, on random shapes in
// float64, against finite differences, and (Sigmoid) at inputs of ±1000.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer, ReLU as ReferenceReLU, Sigmoid as ReferenceSigmoid } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, Grader } from "./grader";
import { Suspect, expectClose } from "./compare";
import { backwardCopy, construct, expectNumericGradients, expectInputKept, forwardCopy, paramsOf } from "./layer_harness";
import { mapMatrix, scaled, times, zerosLike } from "./matrix_ops";
import type { ExerciseReport } from "./report";

/** The constructor the E2 notebook gives the learner's activations. */
export type ActivationClass = new () => Layer;

interface ActivationCase {
  label: string;
  x: Matrix;
  dOut: Matrix;
  y: Matrix;
  dX: Matrix;
}

interface ActivationSpec {
  title: string;
  name: string;
  formula: string;
  reference: () => Layer;
  backwardFormula: string;
  forwardSuspects: (c: ActivationCase) => Suspect[];
  backwardSuspects: (c: ActivationCase) => Suspect[];
}

/** Three random shapes, with inputs kept 1e-3 away from 0 (ReLU's kink, where finite differences lie). */
function activationCases(seed: number, reference: () => Layer): ActivationCase[] {
  const rng = new Rng(seed);
  const shapes = [[3 + rng.int(5), 2 + rng.int(5)], [2 + rng.int(4), 2 + rng.int(4)], [1, 3 + rng.int(4)]];
  return shapes.map(([n, d]) => {
    const x = mapMatrix(scaled(randomMatrix(n, d, rng), 2), (v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
    const dOut = randomMatrix(n, d, rng);
    const ref = reference();
    const y = ref.forward(x, { training: true }).clone();
    return { label: `N=${n}, D=${d}`, x, dOut, y, dX: ref.backward(dOut.clone()).clone() };
  });
}

function gradeActivation(Class: ActivationClass, spec: ActivationSpec, options: GradeOptions, extra?: (g: Grader, make: () => Layer) => void): ExerciseReport {
  const cases = activationCases(options.seed ?? 0, spec.reference);
  const g = new Grader(spec.title, `3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`);
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
      expectClose(forwardCopy(make(), spec.name, c.x, true, c.label), c.y, stats, { what: "y", where: c.label, suspects: spec.forwardSuspects(c), hint: spec.formula });
    }
  });
  g.check("forward leaves x unchanged", () => {
    for (const c of cases) {
      expectInputKept(make(), spec.name, c.x, true, c.label);
    }
    return `x intact in all ${cases.length} cases`;
  });
  extra?.(g, make);
  g.check(`backward: ${spec.backwardFormula}`, (stats) => {
    for (const c of cases) {
      const layer = make();
      forwardCopy(layer, spec.name, c.x, true, c.label);
      expectClose(backwardCopy(layer, spec.name, c.dOut, c.label), c.dX, stats, { what: "dX", where: c.label, suspects: spec.backwardSuspects(c), hint: spec.backwardFormula });
    }
  });
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
    ],
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
  });
}
