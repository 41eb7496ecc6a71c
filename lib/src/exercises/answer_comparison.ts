// Comparing what the learner's code returned with the engine's answer: type, shape,
// dtype and finiteness first (each with its own message), then the size of the error,
// then, when it is wrong, which classic mistake it matches ("suspects").
import { Matrix } from "../tensor";
import { relError } from "../testing/gradcheck";
import { CheckFailure, ErrorStats, sci } from "./grader";

/** Tolerance on the relative error against the engine (float64, other summation order). */
export const REFERENCE_TOL = 1e-8;
/** Tolerance on the relative error against centred finite differences (as the engine's tests). */
export const NUMERIC_TOL = 1e-6;

/** A classic mistake: the value a wrong implementation would produce, and what to say. */
export interface Suspect {
  hint: string;
  value: () => Matrix | null;
}

export interface CompareOptions {
  /** What is compared, as the learner knows it, e.g. "dW (this.weight.grad)". */
  what: string;
  /** The case, e.g. "N=4, in=3, out=5". */
  where: string;
  tol?: number;
  suspects?: readonly Suspect[];
  /** What to suggest when nothing matches. */
  hint?: string;
}

/** A classic mistake in a scalar (a loss): the value it would give. */
export interface NumberSuspect {
  hint: string;
  value: () => number;
}

export type NumberCompareOptions = Omit<CompareOptions, "suspects"> & { suspects?: readonly NumberSuspect[] };

/** Throws CheckFailure unless `got` is a float64 Matrix close to `expected`; else adds its errors to `stats`. */
export function expectClose(got: unknown, expected: Matrix, stats: ErrorStats, o: CompareOptions): void {
  const m = asMatrix(got, o.what, o.where);
  const suspects = o.suspects ?? [];
  if (m.rows !== expected.rows || m.cols !== expected.cols) {
    throw new CheckFailure(`${o.where}: ${o.what} should have shape ${expected.shape}, got ${m.shape}`, matchSuspect(m, suspects) ?? o.hint);
  }
  if (m.dtype !== expected.dtype) {
    throw new CheckFailure(
      `${o.where}: ${o.what} is ${m.dtype}, the input was ${expected.dtype}`,
      `create results with the input's dtype, e.g. new nn.Matrix(rows, cols, x.dtype); the checks run in float64`,
    );
  }
  const bad = firstNonFiniteIndex(m.data);
  if (bad >= 0) {
    throw new CheckFailure(`${o.where}: ${o.what} has ${m.data[bad]} at ${position(m, bad)}`, matchSuspect(m, suspects) ?? o.hint);
  }
  const maxAbs = maxAbsDiff(m.data, expected.data);
  const rel = relError(m.data, expected.data);
  if (!(rel <= (o.tol ?? REFERENCE_TOL))) {
    const k = argMaxAbsDiff(m.data, expected.data);
    throw new CheckFailure(
      `${o.where}: ${o.what} is off: max abs err ${sci(maxAbs)} at ${position(m, k)} (got ${m.data[k].toPrecision(6)}, expected ${expected.data[k].toPrecision(6)}), rel err ${sci(rel)}`,
      matchSuspect(m, suspects) ?? o.hint,
    );
  }
  stats.add(maxAbs, rel);
}

/** Throws CheckFailure unless `got` is a finite number close to `expected`. */
export function expectCloseNumber(got: unknown, expected: number, stats: ErrorStats, o: NumberCompareOptions): void {
  if (typeof got !== "number") throw new CheckFailure(`${o.where}: ${o.what} is ${describeValue(got)}, not a number`);
  const abs = Math.abs(got - expected);
  const rel = abs / Math.max(1e-8, Math.abs(got) + Math.abs(expected));
  if (Number.isFinite(got) && rel <= (o.tol ?? REFERENCE_TOL)) {
    stats.add(abs, rel);
    return;
  }
  const hit = (o.suspects ?? []).find((s) => closeNumbers(got, s.value()));
  const shown = Number.isFinite(got) ? `${got.toPrecision(6)}, expected ${expected.toPrecision(6)} (rel err ${sci(rel)})` : `${got}`;
  throw new CheckFailure(`${o.where}: ${o.what} is ${shown}`, hit?.hint ?? o.hint);
}

/** `value` as a Matrix, or a CheckFailure saying what it is instead. */
export function asMatrix(value: unknown, what: string, where: string): Matrix {
  if (value instanceof Matrix) return value;
  const v = value as { rows?: unknown; cols?: unknown; data?: unknown } | null;
  if (
    v !== null &&
    typeof v === "object" &&
    typeof v.rows === "number" &&
    typeof v.cols === "number" &&
    (v.data instanceof Float64Array || v.data instanceof Float32Array)
  ) {
    return new Matrix(v.rows, v.cols, v.data);
  }
  throw new CheckFailure(
    `${where}: ${what} is ${describeValue(value)}, not an nn.Matrix`,
    "return a matrix, e.g. new nn.Matrix(rows, cols, x.dtype) filled with the result",
  );
}

/** The first suspect whose value `got` equals (to 1e-6), as its hint. */
export function matchSuspect(got: Matrix, suspects: readonly Suspect[]): string | undefined {
  for (const s of suspects) {
    const v = s.value();
    if (v !== null && v.rows === got.rows && v.cols === got.cols && closeArrays(got.data, v.data)) return s.hint;
  }
  return undefined;
}

function closeArrays(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (firstNonFiniteIndex(a) >= 0 || firstNonFiniteIndex(b) >= 0) {
    // NaN/Infinity in the same places and equal finite values elsewhere.
    for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || Math.abs(a[i] - b[i]) <= 1e-6 * (Math.abs(a[i]) + Math.abs(b[i])))) return false;
    return true;
  }
  return relError(a, b) <= 1e-6;
}

function closeNumbers(a: number, b: number): boolean {
  return Object.is(a, b) || Math.abs(a - b) <= 1e-6 * Math.max(1e-12, Math.abs(a) + Math.abs(b));
}

/**
 * Throws CheckFailure unless an analytic gradient matches centred finite differences
 * (relative error <= NUMERIC_TOL); else adds its errors to `stats`.
 * @param what e.g. "dW" or "grad"; @param hint what the mismatch means for this function
 */
export function expectMatchesNumeric(
  analytic: ArrayLike<number>,
  numeric: ArrayLike<number>,
  stats: ErrorStats,
  what: string,
  where: string,
  hint: string,
  cols?: number,
): void {
  const rel = relError(analytic, numeric);
  if (!(rel <= NUMERIC_TOL)) {
    const k = argMaxAbsDiff(analytic, numeric);
    const at = cols === undefined ? `entry ${k}` : `row ${Math.floor(k / cols)}, column ${k % cols}`;
    throw new CheckFailure(
      `${where}: ${what} vs finite differences: rel err ${sci(rel)} (tolerance ${sci(NUMERIC_TOL)}); largest error at ${at}: ${Number(analytic[k]).toPrecision(6)} vs ${Number(numeric[k]).toPrecision(6)}`,
      hint,
    );
  }
  stats.add(maxAbsDiff(analytic, numeric), rel);
}

/** The index of the largest |a − b|. */
export function argMaxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (Math.abs(a[i] - b[i]) > Math.abs(a[best] - b[best])) best = i;
  return best;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function firstNonFiniteIndex(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** "row 2, column 0" of a flat index. */
export function position(m: Matrix, index: number): string {
  const row = Math.floor(index / m.cols);
  return `row ${row}, column ${index - row * m.cols}`;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object of type ${value.constructor?.name ?? "Object"}`;
  return `${typeof value} ${String(value)}`;
}
