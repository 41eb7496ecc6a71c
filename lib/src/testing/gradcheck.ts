// Gradient checking: compares hand-written backward passes with centred finite
// differences in float64. Used by the tests and by Lab 1 to show the method.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { Rng } from "../random";
import type { Layer } from "../layers";
import type { TrainableModel, Targets } from "../models";

/**
 * Relative error of two gradients of the same tensor: ‖a − b‖ / max(1e-8, ‖a‖ + ‖b‖).
 * NOTE: taken over the whole tensor, not per element. Finite differences carry an
 * absolute noise of about 1e-11 here, so an element whose true gradient is ~1e-9 would
 * show a large per-element error even when backward is exact; a real bug still moves
 * the norm (a 1% error gives ~5e-3).
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeError(`relError: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    normA += a[i] ** 2;
    normB += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(1e-8, Math.sqrt(normA) + Math.sqrt(normB));
}

/**
 * ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h for every entry of x.
 * x is perturbed in place and restored; it must be float64 so h is not lost to rounding.
 */
export function numericalGradient(f: () => number, x: Matrix, h = 1e-5): Float64Array {
  if (x.dtype !== "float64") throw new ShapeError("numericalGradient needs a float64 matrix (float32 loses the step h)");
  const grad = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const plus = f();
    x.data[i] = old - h;
    const minus = f();
    x.data[i] = old;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

export interface GradientReport {
  /** What was differentiated: "x" or a param name. */
  name: string;
  relError: number;
}

/** A (rows, cols) float64 matrix of N(0, 1) values. */
export function randomMatrix(rows: number, cols: number, rng: Rng): Matrix {
  const m = new Matrix(rows, cols, "float64");
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

/**
 * Checks a layer's backward: with a fixed random upstream gradient R, the scalar
 * f(x, θ) = Σ forward(x)·R has ∂f/∂x = backward(R) and ∂f/∂θ = θ.grad.
 * @returns one report for x and one per param
 */
export function checkLayerGradients(layer: Layer, x: Matrix, training: boolean, seed = 0): GradientReport[] {
  const rng = new Rng(seed);
  const out = layer.forward(x, { training });
  const upstream = randomMatrix(out.rows, out.cols, rng);
  const f = (): number => {
    const y = layer.forward(x, { training });
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i] * upstream.data[i];
    return s;
  };
  f();
  const dX = layer.backward(upstream.clone()); // a copy: in-place layers overwrite dOut
  const analytic = [{ name: "x", value: x, grad: dX.data.slice() }];
  for (const p of layer.params()) analytic.push({ name: p.name, value: p.value, grad: p.grad.data.slice() });
  return analytic.map(({ name, value, grad }) => ({ name, relError: relError(grad, numericalGradient(f, value)) }));
}

/**
 * Checks a whole model: f = loss(forward(x), y) in training mode; compares
 * backward(∂f/∂output) with finite differences for x and every param.
 */
export function checkModelGradients<Y extends Targets>(model: TrainableModel<Y>, x: Matrix, y: Y): GradientReport[] {
  const f = (): number => model.loss(model.forward(x, { training: true }), y).loss;
  const { grad } = model.loss(model.forward(x, { training: true }), y);
  const dX = model.backward(grad).data.slice();
  const reports: GradientReport[] = [{ name: "x", relError: relError(dX, numericalGradient(f, x)) }];
  for (const p of model.params()) {
    const analytic = p.grad.data.slice();
    reports.push({ name: p.name, relError: relError(analytic, numericalGradient(f, p.value)) });
  }
  return reports;
}
