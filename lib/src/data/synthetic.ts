// Small seeded datasets for Lab 1: interleaved spirals (classification) and a noisy
// 1-D curve (regression). Cheap enough to train on in seconds, hard enough that a
// linear model fails.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { checkInt, checkNonNegative, checkPositive, checkSeed } from "../validate";
import type { Dataset } from "./dataset";

export interface SpiralOptions {
  /** Points per class. Default 200. */
  pointsPerClass?: number;
  /** Number of spiral arms (classes), >= 2. Default 3. */
  classes?: number;
  /** Std of the Gaussian noise added to the angle, in radians. Default 0.2. */
  noise?: number;
  /** How far each arm winds around the origin (1 = a full turn). Default 1. */
  turns?: number;
  seed?: number;
}

/**
 * Interleaved spirals in 2-D (after cs231n): class k's points lie on an arm with radius
 * r ∈ (0, 1] and angle 2π·(turns·r + k/K) + noise. Rows are ordered by class.
 * NOTE: r starts at 1/P, not 0, so no two classes share the point (0, 0).
 * @returns x (K·P, 2), y (K·P) class indices
 */
export function makeSpirals(options: SpiralOptions = {}): Dataset<Int32Array> {
  const perClass = checkInt("pointsPerClass", options.pointsPerClass ?? 200);
  const classes = checkInt("classes", options.classes ?? 3, 2);
  const noise = checkNonNegative("noise", options.noise ?? 0.2);
  const turns = checkPositive("turns", options.turns ?? 1);
  const rng = new Rng(checkSeed("seed", options.seed ?? 0));
  const n = perClass * classes;
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const row = k * perClass + i;
      const r = (i + 1) / perClass;
      const theta = 2 * Math.PI * (turns * r + k / classes) + noise * rng.normal();
      x.set(row, 0, r * Math.sin(theta));
      x.set(row, 1, r * Math.cos(theta));
      y[row] = k;
    }
  }
  return { x, y };
}

export interface CurveOptions {
  /** Number of points. Default 400. */
  n?: number;
  /** Std of the Gaussian noise added to y. Default 0.1. */
  noise?: number;
  seed?: number;
}

/** The noiseless target of makeCurve: f(x) = sin(2x) + 0.3·x. */
export function curveTarget(x: number): number {
  return Math.sin(2 * x) + 0.3 * x;
}

/**
 * Noisy 1-D regression: x uniform in [−3, 3], y = sin(2x) + 0.3x + N(0, noise²).
 * @returns x (n, 1), y (n, 1)
 */
export function makeCurve(options: CurveOptions = {}): Dataset<Matrix> {
  const n = checkInt("n", options.n ?? 400);
  const noise = checkNonNegative("noise", options.noise ?? 0.1);
  const rng = new Rng(checkSeed("seed", options.seed ?? 0));
  const x = new Matrix(n, 1);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const xi = rng.uniformIn(-3, 3);
    x.data[i] = xi;
    y.data[i] = curveTarget(xi) + noise * rng.normal();
  }
  return { x, y };
}
