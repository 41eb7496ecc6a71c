// E5's grader: the learner's SGD step against the engine's, over three steps on a mix of
// params: weights (decayed) and a bias and BatchNorm's γ, β (never decayed).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Param, makeParam } from "../layers";
import { Optimizer, SGD as ReferenceSGD } from "../optim/sgd";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, ErrorStats, Grader, learner } from "./grader";
import { Suspect, describeValue, expectClose } from "./compare";
import { mapMatrix } from "./matrix_ops";
import type { ExerciseReport } from "./report";

export type SGDClass = new (options: { lr: number; weightDecay?: number }) => Optimizer;

const SHAPES: Array<[string, number, number, boolean]> = [
  ["fc0.weight", 3, 4, true],
  ["fc0.bias", 1, 4, false],
  ["bn0.gamma", 1, 4, false],
  ["bn0.beta", 1, 4, false],
  ["fc1.weight", 4, 2, true],
];

interface Run {
  /** Param values before each step and the grads of each step, for the suspects. */
  start: Matrix[];
  grads: Matrix[][];
  mine: Param[];
  ref: Param[];
}

/** Three steps of the learner's SGD and the engine's on copies of the same params and grads. */
function runSteps(SGD: SGDClass, lr: number, weightDecay: number, seed: number): Run {
  const rng = new Rng(seed);
  const start = SHAPES.map(([, r, c]) => randomMatrix(r, c, rng));
  const grads = [0, 1, 2].map(() => SHAPES.map(([, r, c]) => randomMatrix(r, c, rng)));
  const params = (): Param[] => SHAPES.map(([name, , , decay], i) => makeParam(name, start[i].clone(), decay));
  const mine = params();
  const ref = params();
  const optimizer = learner("SGD constructor", () => new SGD({ lr, weightDecay }));
  if (typeof optimizer?.step !== "function") throw new CheckFailure(`new SGD(…) has no step(params) method (got ${describeValue(optimizer)})`, "keep the class and the step(params) method the exercise gives you");
  const reference = new ReferenceSGD({ lr, weightDecay });
  for (const stepGrads of grads) {
    stepGrads.forEach((g, i) => {
      mine[i].grad.data.set(g.data);
      ref[i].grad.data.set(g.data);
    });
    learner("SGD.step", () => optimizer.step(mine));
    reference.step(ref);
  }
  return { start, grads, mine, ref };
}

/** The params after three steps of w := w − lr·(g + k·w), with k chosen per param. */
function simulate(run: Run, lr: number, decayOf: (decay: boolean) => number, sign = -1): Matrix[] {
  return run.start.map((w0, i) => {
    let w = w0.clone();
    for (const g of run.grads) {
      const k = decayOf(SHAPES[i][3]);
      w = mapMatrix(w, (v, r, c) => v + sign * lr * (g[i].get(r, c) + k * v));
    }
    return w;
  });
}

/** The params after three steps of w := w − lr·grad followed by w := w − lr·k·w on the NEW w (decay after the step). */
function simulateDecayAfterStep(run: Run, lr: number, k: number): Matrix[] {
  return run.start.map((w0, i) => {
    let w = w0.clone();
    for (const g of run.grads) {
      const decay = SHAPES[i][3] ? k : 0;
      w = mapMatrix(w, (v, r, c) => v - lr * g[i].get(r, c));
      w = mapMatrix(w, (v) => v - lr * decay * v);
    }
    return w;
  });
}

function expectParams(run: Run, which: (decay: boolean) => boolean, stats: ErrorStats, where: string, suspects: (i: number) => Suspect[], formula: string): void {
  run.mine.forEach((p, i) => {
    if (!which(p.decay)) return;
    expectClose(p.value, run.ref[i].value, stats, { what: `${p.name} (decay: ${p.decay}) after 3 steps`, where, suspects: suspects(i), hint: `each step: ${formula}, in place on p.value` });
  });
}

export function gradeSGD(SGD: SGDClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const g = new Grader("E5 · SGD with L2 weight decay", `3 steps on ${SHAPES.map(([n, r, c]) => `${n} (${r}, ${c})`).join(", ")}`, { methods: ["SGD.step"], engine: "nn.SGD" });
  if (!g.requireFunction(SGD, "SGD", "checkSGD(SGD)")) return g.report();
  g.check("constructor keeps lr and weightDecay (default 0)", () => {
    const a = learner("SGD constructor", () => new SGD({ lr: 0.3, weightDecay: 0.02 }));
    const b = learner("SGD constructor", () => new SGD({ lr: 0.1 }));
    if (a?.lr !== 0.3 || a?.weightDecay !== 0.02 || b?.lr !== 0.1 || b?.weightDecay !== 0) {
      throw new CheckFailure(`new SGD({ lr: 0.3, weightDecay: 0.02 }) has lr ${a?.lr} and weightDecay ${a?.weightDecay}; new SGD({ lr: 0.1 }) has weightDecay ${b?.weightDecay}`, "keep the constructor the exercise gives you: fit reads lr and weightDecay from it");
    }
    return "as given";
  });
  g.check("step without decay: p := p − lr·grad", (stats) => {
    const lr = 0.1;
    const run = runSteps(SGD, lr, 0, seed);
    expectParams(run, () => true, stats, `lr ${lr}, weightDecay 0`, (i) => [
      { hint: "the step goes up the gradient: SGD subtracts, p := p − lr·grad", value: () => simulate(run, lr, () => 0, +1)[i] },
      { hint: "lr is not applied: p := p − lr·grad", value: () => simulate(run, 1, () => 0)[i] },
      { hint: "the params did not change: step must update p.value.data in place", value: () => run.start[i] },
    ], "p := p − lr·grad");
  });
  const lr = 0.05;
  const wd = 0.3;
  g.check("weights (decay: true): w := w − lr·(grad + λ·w)", (stats) => {
    const run = runSteps(SGD, lr, wd, seed + 1);
    expectParams(run, (decay) => decay, stats, `lr ${lr}, weightDecay ${wd}`, (i) => [
      { hint: "weight decay is missing: add λ·w to the gradient of params with decay: true", value: () => simulate(run, lr, () => 0)[i] },
      { hint: "λ·w is not multiplied by lr: w := w − lr·(grad + λ·w)", value: () => simulate(run, lr, () => wd / lr)[i] },
      { hint: "the decay term is λ/2·w; the gradient of λ/2·‖w‖² is λ·w", value: () => simulate(run, lr, () => wd / 2)[i] },
      { hint: "the decay has the wrong sign: it pulls weights toward 0, w := w − lr·(grad + λ·w)", value: () => simulate(run, lr, () => -wd)[i] },
      {
        hint: "the decay is applied after the step, to the already updated w: both terms use the w from before the step, w := w − lr·(grad + λ·w) (add λ·w to the gradient first, then take one step)",
        value: () => simulateDecayAfterStep(run, lr, wd)[i],
      },
    ], "w := w − lr·(grad + λ·w), with grad and w both from before the step");
  });
  g.check("biases, γ and β (decay: false): p := p − lr·grad, no L2", (stats) => {
    const run = runSteps(SGD, lr, wd, seed + 2);
    expectParams(run, (decay) => !decay, stats, `lr ${lr}, weightDecay ${wd}`, (i) => [
      { hint: "L2 is applied to a param with decay: false (a bias, γ or β): decay only where p.decay is true", value: () => simulate(run, lr, () => wd)[i] },
      { hint: "the step goes up the gradient: SGD subtracts, p := p − lr·grad", value: () => simulate(run, lr, () => 0, +1)[i] },
    ], "p := p − lr·grad (no λ term where p.decay is false)");
  });
  return g.report();
}
