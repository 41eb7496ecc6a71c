// E2's mistakes: ReLU and Sigmoid as learners get them wrong. Each wrong implementation
// changes a correct activation through its public face only (forward, backward), so it
// applies to any correct learner's class.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { ActivationClass } from "../learner_api";
import type { ActivationCase } from "../check_cases";
import { FIRST_OUTPUT_HINT, STALE_CACHE_HINT } from "../layer_harness";
import { mapMatrix, times, zerosLike } from "../matrix_ops";
import { Mistake, Mixable } from "./catalogue";
import { withFirstForwardCache, withFirstOutput } from "./layers";

/** The checked quantities: the random cases' y and dX, and y and dX at x = ±1000. */
export type ActivationShows = "y" | "dX" | "y at ±1000" | "dX at ±1000";
export type ActivationMistake = Mistake<ActivationClass, ActivationCase, ActivationShows>;

/** The latest forward's input and output, as a correct layer saw and gave them. */
interface Latest {
  x: Matrix;
  y: Matrix;
}

/** A correct activation whose output is replaced by change(x, y). */
function afterForward(change: (x: Matrix, y: Matrix) => Matrix): (Correct: ActivationClass) => ActivationClass {
  return (Correct) =>
    class extends (Correct as Mixable<Layer>) {
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        return change(x.clone(), super.forward(x, options).clone());
      }
    };
}

/** A correct activation whose dX is replaced by change(dOut, dX, latest, backward), where backward(d) is the correct layer's. */
function afterBackward(
  change: (dOut: Matrix, dX: Matrix, latest: Latest, backward: (d: Matrix) => Matrix) => Matrix,
): (Correct: ActivationClass) => ActivationClass {
  return (Correct) =>
    class extends (Correct as Mixable<Layer>) {
      private latest: Latest | null = null;
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        const y = super.forward(x, options);
        this.latest = { x: x.clone(), y: y.clone() };
        return y;
      }
      override backward(dOut: Matrix): Matrix {
        const dX = super.backward(dOut.clone()).clone();
        return change(dOut, dX, this.latest!, (d) => super.backward(d).clone());
      }
    };
}

const each = (m: Matrix, f: (v: number, i: number) => number): Matrix => new Matrix(m.rows, m.cols, Float64Array.from(m.data, f));
const onesLike = (m: Matrix): Matrix => each(m, () => 1);
const sigma = (v: number): number => 1 / (1 + Math.exp(-v));

export const RELU_MISTAKES: readonly ActivationMistake[] = [
  // ---- forward ----
  { id: "ReLU y equals x", exercise: "E2", shows: ["y"], hint: "y equals x: negative inputs must become 0", value: (c) => c.x, wrong: afterForward((x) => x) },
  {
    id: "ReLU comparison reversed",
    exercise: "E2",
    shows: ["y"],
    hint: "the comparison is the wrong way round: keep x where x > 0 and put 0 where x ≤ 0",
    value: (c) => mapMatrix(c.x, (v) => Math.min(v, 0)),
    wrong: afterForward((x, y) => each(x, (v, i) => v - y.data[i])),
  },
  {
    id: "ReLU y is the mask",
    exercise: "E2",
    shows: ["y"],
    hint: "y is the 0/1 mask; ReLU returns x itself where x > 0",
    value: (c) => mapMatrix(c.x, (v) => (v > 0 ? 1 : 0)),
    wrong: afterForward((_x, y) => each(y, (v) => (v > 0 ? 1 : 0))),
  },
  { id: "ReLU forward returns its first output", exercise: "E2", shows: ["y"], hint: FIRST_OUTPUT_HINT, value: (c) => c.decoyY, wrong: withFirstOutput },
  // ---- backward ----
  {
    id: "ReLU dX equals dOut",
    exercise: "E2",
    shows: ["dX"],
    hint: "dX equals dOut: the gradient must be 0 wherever x ≤ 0 (the mask x > 0)",
    value: (c) => c.dOut,
    wrong: afterBackward((dOut) => dOut.clone()),
  },
  {
    id: "ReLU mask from dOut",
    exercise: "E2",
    shows: ["dX"],
    hint: "the mask comes from dOut > 0; it must come from the forward input (x > 0), which backward has to remember",
    value: (c) => mapMatrix(c.dOut, (v) => (v > 0 ? v : 0)),
    wrong: afterBackward((dOut) => each(dOut, (g) => (g > 0 ? g : 0))),
  },
  {
    id: "ReLU dX is the mask alone",
    exercise: "E2",
    shows: ["dX"],
    hint: "dX is the 0/1 mask alone; multiply it by dOut (chain rule)",
    value: (c) => mapMatrix(c.x, (v) => (v > 0 ? 1 : 0)),
    wrong: afterBackward((dOut, _dX, _l, backward) => backward(onesLike(dOut))),
  },
  {
    id: "ReLU mask inverted",
    exercise: "E2",
    shows: ["dX"],
    hint: "the mask is inverted: pass dOut where x > 0, 0 where x ≤ 0",
    value: (c) => mapMatrix(c.dOut, (v, i, j) => (c.x.get(i, j) > 0 ? 0 : v)),
    wrong: afterBackward((dOut, dX) => each(dOut, (g, i) => g - dX.data[i])),
  },
  {
    id: "ReLU dX all zeros",
    exercise: "E2",
    shows: ["dX"],
    hint: "dX is all zeros: return dOut masked by x > 0",
    value: (c) => zerosLike(c.dOut),
    wrong: afterBackward((_d, dX) => zerosLike(dX)),
  },
  {
    id: "ReLU mask x ≥ 0",
    exercise: "E2",
    shows: ["dX"],
    hint: "at x = 0 exactly, dX must be 0: the lesson takes ReLU's derivative at the kink as 0 (as PyTorch and the engine do), so the mask is x > 0, not x ≥ 0",
    value: (c) => mapMatrix(c.dOut, (v, i, j) => (c.x.get(i, j) >= 0 ? v : 0)),
    wrong: afterBackward((dOut, dX, { x }) => each(dX, (v, i) => (x.data[i] === 0 ? dOut.data[i] : v))),
  },
  {
    id: "ReLU backward from the first forward's x",
    exercise: "E2",
    shows: ["dX"],
    hint: STALE_CACHE_HINT,
    value: (c) => mapMatrix(c.dOut, (v, i, j) => (c.decoy.get(i, j) > 0 ? v : 0)),
    wrong: withFirstForwardCache,
  },
];

/** What a Sigmoid whose backward recomputes σ'(x) from x is told (three ways of writing it, one hint). */
const OVERFLOW_HINT =
  "σ'(x) recomputed from the stored x overflows: e^1000 is Infinity and Infinity / Infinity = NaN. Use the output forward stored: σ'(x) = y·(1 − y), which is 0 at x = ±1000";

export const SIGMOID_MISTAKES: readonly ActivationMistake[] = [
  // ---- forward ----
  // NOTE: "y is e^(−x) / (1 + e^(−x))" gives the same numbers as a flipped sign (both are
  // 1 − σ(x)), so the grader cannot tell them apart: one entry, one hint.
  {
    id: "Sigmoid exponent's sign flipped",
    exercise: "E2",
    shows: ["y"],
    hint: "the exponent's sign is flipped: σ(x) = 1 / (1 + e^(−x))",
    value: (c) => mapMatrix(c.x, (v) => sigma(-v)),
    wrong: afterForward((x) => each(x, (v) => 1 / (1 + Math.exp(v)))),
  },
  { id: "Sigmoid forward returns its first output", exercise: "E2", shows: ["y"], hint: FIRST_OUTPUT_HINT, value: (c) => c.decoyY, wrong: withFirstOutput },
  {
    id: "Sigmoid as e^x / (1 + e^x)",
    exercise: "E2",
    shows: ["y at ±1000"],
    hint: "e^x / (1 + e^x) is Infinity / Infinity = NaN for large x; 1 / (1 + e^(−x)) gives 0 and 1 correctly",
    value: (c) => mapMatrix(c.x, (v) => Math.exp(v) / (1 + Math.exp(v))),
    wrong: afterForward((x) => each(x, (v) => Math.exp(v) / (1 + Math.exp(v)))),
  },
  // ---- backward ----
  {
    id: "Sigmoid σ' from x, not y",
    exercise: "E2",
    shows: ["dX"],
    hint: "σ'(x) = y·(1 − y) uses the output y = σ(x), not the input x",
    value: (c) => mapMatrix(c.dOut, (v, i, j) => v * c.x.get(i, j) * (1 - c.x.get(i, j))),
    wrong: afterBackward((dOut, _dX, { x }) => each(dOut, (g, i) => g * x.data[i] * (1 - x.data[i]))),
  },
  {
    id: "Sigmoid dX is σ' alone",
    exercise: "E2",
    shows: ["dX"],
    hint: "dX is σ'(x) alone; multiply it by dOut (chain rule)",
    value: (c) => mapMatrix(c.y, (v) => v * (1 - v)),
    wrong: afterBackward((dOut, _dX, _l, backward) => backward(onesLike(dOut))),
  },
  {
    id: "Sigmoid factor (1 − y) missing",
    exercise: "E2",
    shows: ["dX"],
    hint: "the factor (1 − y) is missing: dX = dOut · y · (1 − y)",
    value: (c) => times(c.dOut, c.y),
    wrong: afterBackward((dOut, _dX, { y }) => each(dOut, (g, i) => g * y.data[i])),
  },
  {
    id: "Sigmoid dX equals dOut",
    exercise: "E2",
    shows: ["dX"],
    hint: "dX equals dOut: multiply by σ'(x) = y·(1 − y)",
    value: (c) => c.dOut,
    wrong: afterBackward((dOut) => dOut.clone()),
  },
  {
    id: "Sigmoid backward from the first forward's output",
    exercise: "E2",
    shows: ["dX"],
    hint: STALE_CACHE_HINT,
    value: (c) => mapMatrix(c.dOut, (v, i, j) => v * c.decoyY.get(i, j) * (1 - c.decoyY.get(i, j))),
    wrong: withFirstForwardCache,
  },
  {
    id: "Sigmoid σ' as e^(−x) / (1 + e^(−x))² from x",
    exercise: "E2",
    shows: ["dX at ±1000"],
    hint: OVERFLOW_HINT,
    value: (c) => mapMatrix(c.x, (v, i, j) => (c.dOut.get(i, j) * Math.exp(-v)) / (1 + Math.exp(-v)) ** 2),
    wrong: afterBackward((dOut, _dX, { x }) => each(dOut, (g, i) => (g * Math.exp(-x.data[i])) / (1 + Math.exp(-x.data[i])) ** 2)),
  },
  {
    id: "Sigmoid σ' as e^x / (1 + e^x)² from x",
    exercise: "E2",
    shows: ["dX at ±1000"],
    hint: OVERFLOW_HINT,
    value: (c) => mapMatrix(c.x, (v, i, j) => (c.dOut.get(i, j) * Math.exp(v)) / (1 + Math.exp(v)) ** 2),
    wrong: afterBackward((dOut, _dX, { x }) => each(dOut, (g, i) => (g * Math.exp(x.data[i])) / (1 + Math.exp(x.data[i])) ** 2)),
  },
  {
    id: "Sigmoid σ' as s·(1 − s) with s = e^x / (1 + e^x) from x",
    exercise: "E2",
    shows: ["dX at ±1000"],
    hint: OVERFLOW_HINT,
    value: (c) => mapMatrix(c.x, (v, i, j) => c.dOut.get(i, j) * (Math.exp(v) / (1 + Math.exp(v))) * (1 - Math.exp(v) / (1 + Math.exp(v)))),
    wrong: afterBackward((dOut, _dX, { x }) =>
      each(dOut, (g, i) => {
        const s = Math.exp(x.data[i]) / (1 + Math.exp(x.data[i]));
        return g * s * (1 - s);
      }),
    ),
  },
];
