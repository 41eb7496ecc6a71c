// The classic wrong numeric gradients E0's grader compares a learner's numericGradient with
// (forward or backward differences, h instead of 2h, a float32 copy, h far too small), and
// what x looks like afterwards when numericGradient does not put it back: each with its hint.
import { Matrix } from "../tensor";
import type { Suspect } from "./answer_comparison";
import { referenceGradient } from "./gradcheck_fixtures";

/** The step numericGradient takes by default, as in the engine. */
export const H = 1e-5;
const FORWARD_DIFF_HINT =
  "these are forward differences, (f(x + h) − f(x)) / h: their error is O(h), about 1e-5 on a curved function; centred differences (f(x + h) − f(x − h)) / 2h are O(h²)";
export const ROUND_OFF_HINT =
  'round-off: the step h is lost when x is float32 (a float32 copy of x, or new nn.Matrix(rows, cols) without "float64") or when h is far below 1e-5 in float64; perturb x itself in float64 with h ≈ 1e-5';

/** A numeric gradient on a `dtype` copy of x with step H; `quotient` (from f(x + h), f(x − h), f(x)) makes it right or wrong. */
function variantGradient(
  f: (x: Matrix) => number,
  x: Matrix,
  dtype: "float64" | "float32",
  quotient: (fPlus: () => number, fMinus: () => number, f0: () => number) => number,
): Matrix {
  const copy = x.astype(dtype);
  const g = new Matrix(x.rows, x.cols, "float64");
  for (let i = 0; i < copy.data.length; i++) {
    const old = copy.data[i];
    g.data[i] = quotient(
      () => ((copy.data[i] = old + H), f(copy)),
      () => ((copy.data[i] = old - H), f(copy)),
      () => ((copy.data[i] = old), f(copy)),
    );
    copy.data[i] = old;
  }
  return g;
}

/** The classic wrong numeric gradients of f at x (default h), as suspects. */
export function numericSuspects(f: (x: Matrix) => number, x: Matrix): Suspect[] {
  const suspects: Suspect[] = [
    { hint: FORWARD_DIFF_HINT, value: () => variantGradient(f, x, "float64", (plus, _minus, f0) => (plus() - f0()) / H) },
    {
      hint: FORWARD_DIFF_HINT.replace("forward differences, (f(x + h) − f(x)) / h", "backward differences, (f(x) − f(x − h)) / h"),
      value: () => variantGradient(f, x, "float64", (_plus, minus, f0) => (f0() - minus()) / H),
    },
    {
      hint: "the difference is divided by h instead of 2h: x + h and x − h are 2h apart, (f(x + h) − f(x − h)) / 2h",
      value: () => variantGradient(f, x, "float64", (plus, minus) => (plus() - minus()) / H),
    },
    {
      hint: `${ROUND_OFF_HINT} (this matches centred differences on a float32 copy of x)`,
      value: () => variantGradient(f, x, "float32", (plus, minus) => (plus() - minus()) / (2 * H)),
    },
  ];
  for (const h of [1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13]) {
    suspects.push({
      hint: "h is too small (far below 1e-5): f(x + h) − f(x − h) keeps only a few digits, a round-off of about 1e-16·|f| / h; use h ≈ 1e-5 in float64",
      value: () => referenceGradient(f, x, h),
    });
  }
  return suspects;
}

/** How x changed, in words with the likely cause, or null when every entry is as it was. */
export function describeChange(before: Matrix, after: Matrix, h: number): { detail: string; hint: string } | null {
  let changed = 0;
  let byH = 0;
  let tiny = 0;
  for (let i = 0; i < before.data.length; i++) {
    const d = after.data[i] - before.data[i];
    if (d === 0 || Object.is(after.data[i], before.data[i])) continue;
    changed++;
    if (Math.abs(Math.abs(d) - h) <= 1e-9 * h) byH++;
    else if (Math.abs(d) <= 1e-12 * Math.max(1, Math.abs(before.data[i]))) tiny++;
  }
  if (changed === 0) return null;
  const detail = `${changed} of ${before.data.length} entries of x differ afterwards`;
  if (byH === changed)
    return {
      detail: `${detail}, each by ±h`,
      hint: "x[i] is not restored: after evaluating f(x + h) and f(x − h), put the old value back (x[i] = old), or the next entries are differentiated at a shifted point",
    };
  if (tiny === changed)
    return {
      detail: `${detail}, by round-off (about 1e-16)`,
      hint: "x[i] drifts by round-off: x[i] + h − 2h + h is not exactly x[i]; save the old value and put it back (x[i] = old)",
    };
  return { detail, hint: "numericGradient must leave x as it found it: perturb one entry, evaluate f, and put the old value back before the next" };
}
