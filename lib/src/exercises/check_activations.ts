// E2's grader: the learner's ReLU and Sigmoid against the engine's, on random shapes in
// float64, against finite differences, and (Sigmoid) at inputs of ±1000.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer, ReLU as ReferenceReLU, Sigmoid as ReferenceSigmoid } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, Grader } from "./grader";
import { expectClose } from "./answer_comparison";
import {
  backwardAfterDecoy,
  backwardCopy,
  construct,
  expectBackwardOverwrites,
  expectNumericGradients,
  expectInputKept,
  forwardCopy,
  paramsOf,
} from "./layer_harness";
import { mapMatrix, scaled } from "./matrix_ops";
import { suspectsFor } from "./mistakes/catalogue";
import { ActivationMistake, RELU_MISTAKES, SIGMOID_MISTAKES } from "./mistakes/activations";
import type { ExerciseReport } from "./report";
import type { ActivationClass } from "./learner_api";
import type { ActivationCase } from "./check_cases";

interface ActivationSpec {
  title: string;
  name: string;
  formula: string;
  reference: () => Layer;
  /** The exact dX compared, for the hint when no named mistake matches; never in a check's name (the lesson asks for its derivation). */
  backwardFormula: string;
  /** Its classic mistakes, the grader's suspects. */
  mistakes: readonly ActivationMistake[];
  /** A case the random ones avoid (ReLU: exact zeros, where a convention decides), added to the backward check. */
  edgeCase?: () => ActivationCase;
}

/** Three random shapes, with inputs kept 1e-3 away from 0 (ReLU's kink, where finite differences lie). */
function activationCases(seed: number, reference: () => Layer): ActivationCase[] {
  const rng = new Rng(seed);
  const decoyRng = new Rng(seed + 1000);
  const shapes = [
    [3 + rng.int(5), 2 + rng.int(5)],
    [2 + rng.int(4), 2 + rng.int(4)],
    [1, 3 + rng.int(4)],
  ];
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

function gradeActivation(
  Class: ActivationClass,
  spec: ActivationSpec,
  options: GradeOptions,
  extra?: (g: Grader, make: () => Layer) => void,
  after?: (g: Grader, make: () => Layer) => void,
): ExerciseReport {
  const cases = activationCases(options.seed ?? 0, spec.reference);
  const g = new Grader(spec.title, `3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, {
    methods: [`${spec.name}.forward`, `${spec.name}.backward`],
    engine: `nn.${spec.name}`,
  });
  const make = (): Layer => construct(spec.name, () => new Class());
  const structureOk = g.check("a Layer with no params", () => {
    const params = paramsOf(make(), spec.name);
    if (params.length > 0)
      throw new CheckFailure(`${spec.name}.params() returned ${params.length} params`, "an activation has nothing to learn: params() returns []");
    return "as given";
  });
  if (!structureOk) return g.report();
  const forwardName = `forward: ${spec.formula}`;
  g.check(forwardName, (stats) => {
    for (const c of cases) {
      const layer = make();
      forwardCopy(layer, spec.name, c.decoy, true, c.label);
      expectClose(forwardCopy(layer, spec.name, c.x, true, c.label), c.y, stats, {
        what: "y",
        where: c.label,
        suspects: suspectsFor(spec.mistakes, "y", c),
        hint: spec.formula,
      });
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
      expectClose(dX, c.dX, stats, { what: "dX", where: c.label, suspects: suspectsFor(spec.mistakes, "dX", c), hint: spec.backwardFormula });
      forwardCopy(layer, spec.name, c.x, true, c.label); // afresh, so the two backwards below are the first after it
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
  return gradeActivation(
    ReLU,
    {
      title: "E2 · ReLU",
      name: "ReLU",
      formula: "y = max(x, 0)",
      reference: () => new ReferenceReLU(),
      backwardFormula: "dX = dOut where x > 0, else 0",
      mistakes: RELU_MISTAKES,
      edgeCase: () => {
        const x = Matrix.fromRows(
          [
            [0, 1.5, -0.5, 0],
            [-2, 0, 0, 0.25],
            [0, -0.75, 2, 0],
          ],
          "float64",
        );
        const decoy = Matrix.fromRows(
          [
            [1, -1, 1, -1],
            [1, 1, -1, -1],
            [-1, 1, 1, 1],
          ],
          "float64",
        );
        const dOut = Matrix.fromRows(
          [
            [0.5, -1, 2, -0.25],
            [1.5, 0.75, -2, 1],
            [-0.5, 0.25, 1, 3],
          ],
          "float64",
        );
        return activationCase("x with exact zeros (the kink)", x, decoy, dOut, () => new ReferenceReLU());
      },
    },
    options,
  );
}

/** x = ±1000 and ±700, where an exponential of the wrong sign overflows (no decoy: forward is called once). */
function extremeCase(): ActivationCase {
  const x = Matrix.fromRows([[-1000, -700, 0, 700, 1000]], "float64");
  const dOut = Matrix.fromRows([[0.5, -1, 2, 1, -0.25]], "float64");
  return activationCase("x = [−1000, −700, 0, 700, 1000]", x, x, dOut, () => new ReferenceSigmoid());
}

export function gradeSigmoid(Sigmoid: ActivationClass, options: GradeOptions = {}): ExerciseReport {
  return gradeActivation(
    Sigmoid,
    {
      title: "E2 · Sigmoid",
      name: "Sigmoid",
      formula: "y = 1 / (1 + e^(−x))",
      reference: () => new ReferenceSigmoid(),
      backwardFormula: "dX = dOut · y · (1 − y)",
      mistakes: SIGMOID_MISTAKES,
    },
    options,
    (g, make) => {
      g.check("forward at x = ±1000: 0 and 1, no NaN", (stats) => {
        const c = extremeCase();
        expectClose(forwardCopy(make(), "Sigmoid", c.x, true, c.label), c.y, stats, {
          what: "y",
          where: c.label,
          suspects: suspectsFor(SIGMOID_MISTAKES, "y at ±1000", c),
          hint: "y = 1 / (1 + e^(−x)) is 0 at x = −1000 and 1 at x = 1000, with no NaN",
        });
      });
    },
    (g, make) => {
      g.check("backward at x = ±1000: dX finite and right", (stats) => {
        const c = extremeCase();
        const layer = make();
        forwardCopy(layer, "Sigmoid", c.x, true, c.label);
        expectClose(backwardCopy(layer, "Sigmoid", c.dOut, c.label), c.dX, stats, {
          what: "dX",
          where: c.label,
          suspects: suspectsFor(SIGMOID_MISTAKES, "dX at ±1000", c),
          hint: "dX = dOut · y · (1 − y) with y = σ(x) from the forward: at x = ±1000, y is 0 or 1 and dX is 0; at x = 0 it is dOut/4",
        });
      });
    },
  );
}
