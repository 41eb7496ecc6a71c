// E0's learner code: a correct gradient checker written differently from the answer key
// (a loop over x.data on a copy of x, CS231n's relative error, the numeric gradient before
// backward), and wrong ones, one classic mistake each, for mutants.ts. The grader must accept
// the first and reject each of the others with the hint for its mistake.
import { Layer, Matrix, Rng, exercises, gradcheck } from "../../src";
import type { ExerciseReport, GradientCheckTools, LayerGradientCheck } from "../../src/exercises";

type NumericGradient = GradientCheckTools["numericGradient"];
type RelativeError = GradientCheckTools["relativeError"];
type CheckLayerDX = GradientCheckTools["checkLayerDX"];

/** Centred differences on a copy of x, entry by entry through .data (x itself is never touched). */
export const copyNumericGradient: NumericGradient = (f, x, h = 1e-5) => {
  const xs = x.clone();
  const grad = new Float64Array(xs.data.length);
  for (let i = 0; i < xs.data.length; i++) {
    const old = xs.data[i];
    xs.data[i] = old + h;
    const plus = f(xs);
    xs.data[i] = old - h;
    const minus = f(xs);
    xs.data[i] = old;
    grad[i] = (plus - minus) / (2 * h);
  }
  return new Matrix(x.rows, x.cols, grad);
};

/** CS231n's rel_error: |a − b| / max(1e-8, |a| + |b|), the largest over entries. */
export const cs231nRelativeError: RelativeError = (a, b) => {
  let worst = 0;
  a.data.forEach((ai, i) => {
    worst = Math.max(worst, Math.abs(ai - b.data[i]) / Math.max(1e-8, Math.abs(ai) + Math.abs(b.data[i])));
  });
  return worst;
};

type Variant = "sum-y" | "redrawn-r" | "backward-last";

/** checkLayerDX built on the given tools; the correct one computes the numeric gradient first, then forward(x) and backward(R). */
export function layerCheckWith(numericGradient: NumericGradient, relativeError: RelativeError, variant?: Variant): CheckLayerDX {
  return (layer: Layer, x: Matrix, seed = 0): LayerGradientCheck => {
    const rng = new Rng(seed);
    const y0 = layer.forward(x, { training: false });
    const draw = (): Matrix =>
      new Matrix(
        y0.rows,
        y0.cols,
        Float64Array.from({ length: y0.data.length }, () => (variant === "sum-y" ? 1 : rng.normal())),
      );
    const R = draw();
    const f = (xs: Matrix): number => {
      const y = layer.forward(xs, { training: false });
      const r = variant === "redrawn-r" ? draw() : R;
      let sum = 0;
      for (let i = 0; i < y.data.length; i++) sum += y.data[i] * r.data[i];
      return sum;
    };
    const numeric = numericGradient(f, x);
    if (variant !== "backward-last") layer.forward(x, { training: false });
    const analytic = layer.backward(R.clone()).clone();
    return { analytic, numeric, relError: relativeError(analytic, numeric) };
  };
}

/** The correct tools, graded. */
export const gradeCorrectGradientCheck = (seed = 0): ExerciseReport =>
  exercises.gradeGradientCheck(copyNumericGradient, cs231nRelativeError, layerCheckWith(copyNumericGradient, cs231nRelativeError), { seed });

// ---- Handed to the engine: right numbers, from nn.gradcheck instead of the learner's own differences ----
// Taken out of nn.gradcheck when the cell runs, before any check.
const { numericalGradient } = gradcheck;

/** numericGradient as a call of the engine's own nn.gradcheck.numericalGradient. */
export const engineNumericGradient: NumericGradient = (f, x, h = 1e-5) =>
  new Matrix(
    x.rows,
    x.cols,
    gradcheck.numericalGradient(() => f(x), x, h),
  );

/** The correct numericGradient, but checkLayerDX takes its numeric gradient from numericalGradient destructured out of nn.gradcheck. */
export const gradeEngineLayerCheck = (): ExerciseReport =>
  exercises.gradeGradientCheck(
    copyNumericGradient,
    cs231nRelativeError,
    layerCheckWith(
      (f, x, h = 1e-5) =>
        new Matrix(
          x.rows,
          x.cols,
          numericalGradient(() => f(x), x, h),
        ),
      cs231nRelativeError,
    ),
  );

/** A numericGradient with the correct relativeError and a correct checkLayerDX on top, graded. */
export const gradeNumeric =
  (numericGradient: NumericGradient): (() => ExerciseReport) =>
  () =>
    exercises.gradeGradientCheck(numericGradient, cs231nRelativeError, layerCheckWith(numericGradient, cs231nRelativeError));

/** A relativeError with the correct numericGradient and a correct checkLayerDX on top, graded. */
export const gradeRelative =
  (relativeError: RelativeError): (() => ExerciseReport) =>
  () =>
    exercises.gradeGradientCheck(copyNumericGradient, relativeError, layerCheckWith(copyNumericGradient, relativeError));

/** A checkLayerDX mistake on the correct tools, graded. */
export const gradeLayerCheck =
  (variant: Variant): (() => ExerciseReport) =>
  () =>
    exercises.gradeGradientCheck(copyNumericGradient, cs231nRelativeError, layerCheckWith(copyNumericGradient, cs231nRelativeError, variant));

/** (f(x + h) − f(x)) / h. */
export const forwardDifferences: NumericGradient = (f, x, h = 1e-5) => {
  const grad = new Matrix(x.rows, x.cols, "float64");
  const f0 = f(x);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    grad.data[i] = (f(x) - f0) / h;
    x.data[i] = old;
  }
  return grad;
};

/** (f(x + h) − f(x − h)) / h. */
export const overH: NumericGradient = (f, x, h = 1e-5) => {
  const grad = new Matrix(x.rows, x.cols, "float64");
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const plus = f(x);
    x.data[i] = old - h;
    grad.data[i] = (plus - f(x)) / h;
    x.data[i] = old;
  }
  return grad;
};

/** Leaves x[i] at x[i] − h. */
export const notRestored: NumericGradient = (f, x, h = 1e-5) => {
  const grad = new Matrix(x.rows, x.cols, "float64");
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const plus = f(x);
    x.data[i] = old - h;
    grad.data[i] = (plus - f(x)) / (2 * h);
  }
  return grad;
};

/** x[i] += h, −= 2h, += h: back to x[i] only up to round-off. */
export const restoredByArithmetic: NumericGradient = (f, x, h = 1e-5) => {
  const grad = new Matrix(x.rows, x.cols, "float64");
  for (let i = 0; i < x.data.length; i++) {
    x.data[i] += h;
    const plus = f(x);
    x.data[i] -= 2 * h;
    const minus = f(x);
    x.data[i] += h;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
};

/** Centred differences on a float32 copy of x (new nn.Matrix's default dtype). */
export const float32Copy: NumericGradient = (f, x, h = 1e-5) => {
  const xs = x.astype("float32");
  const grad = new Matrix(x.rows, x.cols, "float64");
  for (let i = 0; i < xs.data.length; i++) {
    const old = xs.data[i];
    xs.data[i] = old + h;
    const plus = f(xs);
    xs.data[i] = old - h;
    grad.data[i] = (plus - f(xs)) / (2 * h);
    xs.data[i] = old;
  }
  return grad;
};

/** "Smaller is more exact": h = 1e-10. */
export const tinyH: NumericGradient = (f, x) => copyNumericGradient(f, x, 1e-10);

/** (a − b) / max(|a|, |b|, tiny): no abs on the difference. */
export const noAbs: RelativeError = (a, b) => largest(a, b, (ai, bi) => (ai - bi) / Math.max(Math.abs(ai), Math.abs(bi), 1e-8));

/** |a − b| / |a|: divided by the first argument only. */
export const overAOnly: RelativeError = (a, b) => largest(a, b, (ai, bi) => Math.abs(ai - bi) / Math.max(Math.abs(ai), 1e-8));

/** The mean over entries instead of the largest. */
export const meanRelativeError: RelativeError = (a, b) => {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]) / Math.max(Math.abs(a.data[i]), Math.abs(b.data[i]), 1e-8);
  return sum / a.data.length;
};

/** max(|a|, |b|) with no tiny floor: 0 / 0 = NaN. */
export const noFloor: RelativeError = (a, b) => largest(a, b, (ai, bi) => Math.abs(ai - bi) / Math.max(Math.abs(ai), Math.abs(bi)));

/** max(a, b, tiny) without abs in the denominator: the floor when both are negative. */
export const noAbsInDenominator: RelativeError = (a, b) => largest(a, b, (ai, bi) => Math.abs(ai - bi) / Math.max(ai, bi, 1e-8));

/** The largest term(aᵢ, bᵢ) over the entries, with Math.max (so a NaN term gives NaN). */
function largest(a: Matrix, b: Matrix, term: (ai: number, bi: number) => number): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, term(a.data[i], b.data[i]));
  return worst;
}
