// E5's grader: the learner's SGD step against the engine's, over three steps on a mix of
// params: weights (decayed) and a bias and BatchNorm's γ, β (never decayed).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Param, makeParam } from "../layers";
import { Optimizer, SGD as ReferenceSGD } from "../optim/sgd";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, ErrorStats, Grader, learner } from "./grader";
import { Suspect, describeValue, expectClose } from "./answer_comparison";
import { suspectsFor } from "./mistakes/catalogue";
import { SGD_MISTAKES } from "./mistakes/sgd";
import type { ExerciseReport } from "./report";
import type { SGDClass } from "./learner_api";
import type { SGDRun } from "./check_cases";

const SHAPES: Array<[string, number, number, boolean]> = [
  ["fc0.weight", 3, 4, true],
  ["fc0.bias", 1, 4, false],
  ["bn0.gamma", 1, 4, false],
  ["bn0.beta", 1, 4, false],
  ["fc1.weight", 4, 2, true],
];

/** Three steps of the learner's SGD and the engine's on copies of the same params and grads. */
function runSteps(SGD: SGDClass, lr: number, weightDecay: number, seed: number): SGDRun {
  const rng = new Rng(seed);
  const start = SHAPES.map(([, r, c]) => randomMatrix(r, c, rng));
  const grads = [0, 1, 2].map(() => SHAPES.map(([, r, c]) => randomMatrix(r, c, rng)));
  const params = (): Param[] => SHAPES.map(([name, , , decay], i) => makeParam(name, start[i].clone(), decay));
  const mine = params();
  const ref = params();
  const optimizer = learner("SGD constructor", () => new SGD({ lr, weightDecay }));
  if (typeof optimizer?.step !== "function")
    throw new CheckFailure(
      `new SGD(…) has no step(params) method (got ${describeValue(optimizer)})`,
      "keep the class and the step(params) method the exercise gives you",
    );
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

function expectParams(
  run: SGDRun,
  which: (decay: boolean) => boolean,
  stats: ErrorStats,
  where: string,
  suspects: (i: number) => Suspect[],
  formula: string,
): void {
  run.mine.forEach((p, i) => {
    if (!which(p.decay)) return;
    expectClose(p.value, run.ref[i].value, stats, {
      what: `${p.name} (decay: ${p.decay}) after 3 steps`,
      where,
      suspects: suspects(i),
      hint: `each step: ${formula}, in place on p.value`,
    });
  });
}

export function gradeSGD(SGD: SGDClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const g = new Grader("E5 · SGD with L2 weight decay", `3 steps on ${SHAPES.map(([n, r, c]) => `${n} (${r}, ${c})`).join(", ")}`, {
    methods: ["SGD.step"],
    engine: "nn.SGD",
  });
  if (!g.requireFunction(SGD, "SGD", "checkSGD(SGD)")) return g.report();
  g.check("constructor keeps lr and weightDecay (default 0)", () => {
    const a = learner("SGD constructor", () => new SGD({ lr: 0.3, weightDecay: 0.02 }));
    const b = learner("SGD constructor", () => new SGD({ lr: 0.1 }));
    if (a?.lr !== 0.3 || a?.weightDecay !== 0.02 || b?.lr !== 0.1 || b?.weightDecay !== 0) {
      throw new CheckFailure(
        `new SGD({ lr: 0.3, weightDecay: 0.02 }) has lr ${a?.lr} and weightDecay ${a?.weightDecay}; new SGD({ lr: 0.1 }) has weightDecay ${b?.weightDecay}`,
        "keep the constructor the exercise gives you: fit reads lr and weightDecay from it",
      );
    }
    return "as given";
  });
  g.check("step with weightDecay 0: every param", (stats) => {
    const lr = 0.1;
    const run = runSteps(SGD, lr, 0, seed);
    expectParams(
      run,
      () => true,
      stats,
      `lr ${lr}, weightDecay 0`,
      (i) => suspectsFor(SGD_MISTAKES, "plain step", { run, i, lr, weightDecay: 0 }),
      "p := p − lr·grad",
    );
  });
  const lr = 0.05;
  const wd = 0.3;
  g.check("step: weights (decay: true), decayed", (stats) => {
    const run = runSteps(SGD, lr, wd, seed + 1);
    expectParams(
      run,
      (decay) => decay,
      stats,
      `lr ${lr}, weightDecay ${wd}`,
      (i) => suspectsFor(SGD_MISTAKES, "weights", { run, i, lr, weightDecay: wd }),
      "w := w − lr·(grad + λ·w), with grad and w both from before the step",
    );
  });
  g.check("step: biases, γ and β (decay: false), not decayed", (stats) => {
    const run = runSteps(SGD, lr, wd, seed + 2);
    expectParams(
      run,
      (decay) => !decay,
      stats,
      `lr ${lr}, weightDecay ${wd}`,
      (i) => suspectsFor(SGD_MISTAKES, "not decayed", { run, i, lr, weightDecay: wd }),
      "p := p − lr·grad (no λ term where p.decay is false)",
    );
  });
  return g.report();
}
