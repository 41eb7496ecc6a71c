// The runs E8's grader compares optimisers on: a few params like a small network's (weights,
// decayed; a bias and BatchNorm's γ and β, not), a new random grad every step, and the lr of
// each step (a schedule may change it between steps).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Param, makeParam } from "../layers";
import type { Optimizer } from "../optim/sgd";
import { randomMatrix } from "../testing/gradcheck";
import { scaled } from "./matrix_ops";

/** Weights (decayed) and params that are never decayed: a bias, BatchNorm's γ and β. */
export const UPDATE_SHAPES: ReadonlyArray<readonly [string, number, number, boolean]> = [
  ["fc0.weight", 3, 4, true],
  ["fc0.bias", 1, 4, false],
  ["bn0.gamma", 1, 4, false],
  ["bn0.beta", 1, 4, false],
  ["fc1.weight", 4, 2, true],
];

/** What a run is: the start values, the grads of each step and the lr each step is taken with. */
export interface UpdateRun {
  start: Matrix[];
  grads: Matrix[][];
  lrs: number[];
}

/** `steps` steps of grads of size ~gradScale, from seeded random start values. */
export function makeRun(steps: number, lrs: (s: number) => number, gradScale: number, seed: number): UpdateRun {
  const rng = new Rng(seed);
  const start = UPDATE_SHAPES.map(([, r, c]) => randomMatrix(r, c, rng));
  const grads = Array.from({ length: steps }, () => UPDATE_SHAPES.map(([, r, c]) => scaled(randomMatrix(r, c, rng), gradScale)));
  return { start, grads, lrs: Array.from({ length: steps }, (_, s) => lrs(s)) };
}

/** Fresh params at the run's start values. */
export function startParams(run: UpdateRun): Param[] {
  return UPDATE_SHAPES.map(([name, , , decay], i) => makeParam(name, run.start[i].clone(), decay));
}

/** Sets every param's grad to step s's and the optimiser's lr to step s's (as fit's lrSchedule does). */
export function prepareStep(run: UpdateRun, s: number, params: readonly Param[], optimizer: Optimizer): void {
  params.forEach((p, i) => p.grad.data.set(run.grads[s][i].data));
  (optimizer as { lr: number }).lr = run.lrs[s];
}
