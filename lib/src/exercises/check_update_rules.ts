// E8's grader: the learner's SGD with momentum, RMSProp and Adam with decoupled weight decay
// (AdamW), each against the engine's (nn.Momentum, nn.RMSProp, nn.Adam with decoupled: true) over several steps
// on the same params and a new grad every step, in float64. Params are compared after every
// step, so a failure names the first step and the param where the two part.
import { Momentum as ReferenceMomentum } from "../optim/momentum";
import { Adam as ReferenceAdam } from "../optim/adam";
import { RMSProp as ReferenceRMSProp } from "../optim/rmsprop";
import { GradeOptions, Grader } from "./grader";
import { UPDATE_SHAPES, makeRun } from "./update_run";
import { RuleSpec, expectConstructor, expectSameSteps } from "./update_rule_steps";
import { suspectsFor } from "./mistakes/catalogue";
import { AdamWShows, MomentumShows, RMSPropShows } from "./mistakes/update_rules";
import { MOMENTUM_MISTAKES } from "./mistakes/update_rules_momentum";
import { RMSPROP_MISTAKES } from "./mistakes/update_rules_rmsprop";
import { ADAMW_MISTAKES } from "./mistakes/update_rules_adamw";
import type { ExerciseReport } from "./report";
import type { AdamWClass, AdamWOptions, MomentumClass, MomentumOptions, RMSPropClass, RMSPropOptions } from "./learner_api";

const MOMENTUM: RuleSpec<MomentumOptions, MomentumShows> = {
  name: "Momentum",
  engine: "Momentum",
  reference: (o) => new ReferenceMomentum({ lr: o.lr, momentum: o.momentum ?? 0.9, weightDecay: o.weightDecay ?? 0 }),
  suspects: (shows, c) => suspectsFor(MOMENTUM_MISTAKES, shows, c),
  formula: "g = grad + λ·p (λ where p.decay), v = μ·v + g (v starts at 0, one v per param), p := p − lr·v",
};

export function gradeMomentum(Momentum: MomentumClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const g = new Grader("E8 · SGD with momentum", `5 steps, a new grad each, on ${UPDATE_SHAPES.map(([n, r, c]) => `${n} (${r}, ${c})`).join(", ")}`, {
    methods: ["Momentum.step"],
    engine: "nn.Momentum",
  });
  if (!g.requireFunction(Momentum, "Momentum", "checkMomentum(Momentum)")) return g.report();
  g.check("constructor keeps lr, momentum and weightDecay (defaults 0.9 and 0)", () => {
    expectConstructor(
      "Momentum",
      () => new Momentum({ lr: 0.3, momentum: 0.5, weightDecay: 0.02 }),
      { lr: 0.3, momentum: 0.5, weightDecay: 0.02 },
      "new Momentum({ lr: 0.3, momentum: 0.5, weightDecay: 0.02 })",
    );
    return expectConstructor("Momentum", () => new Momentum({ lr: 0.1 }), { lr: 0.1, momentum: 0.9, weightDecay: 0 }, "new Momentum({ lr: 0.1 })");
  });
  const steps = (
    name: string,
    o: MomentumOptions,
    shows: MomentumShows,
    which: (decay: boolean) => boolean,
    lrs: (s: number) => number,
    runSeed: number,
  ): void => {
    g.check(name, (stats) => {
      const run = makeRun(5, lrs, 1, runSeed);
      expectSameSteps(
        MOMENTUM,
        Momentum,
        o,
        run,
        shows,
        which,
        `lr ${[...new Set(run.lrs)].join(" then ")}, momentum ${o.momentum ?? 0.9}, weightDecay ${o.weightDecay ?? 0}`,
        stats,
      );
    });
  };
  steps(
    "5 steps, weightDecay 0: every param",
    { lr: 0.1, momentum: 0.9 },
    "plain",
    () => true,
    () => 0.1,
    seed,
  );
  steps(
    "5 steps, lr halved after step 3 (as a schedule does)",
    { lr: 0.1, momentum: 0.9 },
    "lr changed",
    () => true,
    (s) => (s < 3 ? 0.1 : 0.05),
    seed + 1,
  );
  steps(
    "5 steps with decay: weights (decay: true)",
    { lr: 0.05, momentum: 0.8, weightDecay: 0.3 },
    "weights",
    (d) => d,
    () => 0.05,
    seed + 2,
  );
  steps(
    "5 steps with decay: biases, γ and β (decay: false)",
    { lr: 0.05, momentum: 0.8, weightDecay: 0.3 },
    "not decayed",
    (d) => !d,
    () => 0.05,
    seed + 3,
  );
  return g.report();
}

const RMSPROP: RuleSpec<RMSPropOptions, RMSPropShows> = {
  name: "RMSProp",
  engine: "RMSProp",
  reference: (o) => new ReferenceRMSProp(o),
  suspects: (shows, c) => suspectsFor(RMSPROP_MISTAKES, shows, c),
  formula: "g = grad + λ·p (λ where p.decay), s = α·s + (1 − α)·g² (s starts at 0, one s per param), p := p − lr·g/(√s + ε)",
};

export function gradeRMSProp(RMSProp: RMSPropClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const g = new Grader("E8 · RMSProp", `5 steps, a new grad each, on ${UPDATE_SHAPES.map(([n, r, c]) => `${n} (${r}, ${c})`).join(", ")}`, {
    methods: ["RMSProp.step"],
    engine: "nn.RMSProp",
  });
  if (!g.requireFunction(RMSProp, "RMSProp", "checkRMSProp(RMSProp)")) return g.report();
  g.check("constructor keeps lr, alpha, eps and weightDecay (with the lesson's defaults)", () => {
    expectConstructor(
      "RMSProp",
      () => new RMSProp({ lr: 0.03, alpha: 0.9, eps: 1e-6, weightDecay: 0.1 }),
      { lr: 0.03, alpha: 0.9, eps: 1e-6, weightDecay: 0.1 },
      "new RMSProp({ lr: 0.03, alpha: 0.9, eps: 1e-6, weightDecay: 0.1 })",
    );
    return expectConstructor("RMSProp", () => new RMSProp({}), { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0 }, "new RMSProp({})");
  });
  const steps = (
    name: string,
    o: RMSPropOptions,
    shows: RMSPropShows,
    which: (decay: boolean) => boolean,
    lrs: (s: number) => number,
    runSeed: number,
  ): void => {
    g.check(name, (stats) => {
      const run = makeRun(5, lrs, 0.01, runSeed);
      expectSameSteps(
        RMSPROP,
        RMSProp,
        o,
        run,
        shows,
        which,
        `lr ${[...new Set(run.lrs)].join(" then ")}, α ${o.alpha ?? 0.99}, ε ${o.eps ?? 1e-8}, weightDecay ${o.weightDecay ?? 0}, grads of size ~0.01`,
        stats,
      );
    });
  };
  // Small grads and a large ε, as for AdamW, so that where ε goes shows.
  steps(
    "5 steps, weightDecay 0: every param",
    { lr: 0.01, alpha: 0.9, eps: 1e-3 },
    "plain",
    () => true,
    () => 0.01,
    seed,
  );
  steps(
    "5 steps, lr halved after step 3 (as a schedule does)",
    { lr: 0.01, alpha: 0.9, eps: 1e-3 },
    "lr changed",
    () => true,
    (s) => (s < 3 ? 0.01 : 0.005),
    seed + 1,
  );
  steps(
    "5 steps with decay: weights (decay: true)",
    { lr: 0.01, alpha: 0.9, eps: 1e-3, weightDecay: 0.5 },
    "weights",
    (d) => d,
    () => 0.01,
    seed + 2,
  );
  steps(
    "5 steps with decay: biases, γ and β (decay: false)",
    { lr: 0.01, alpha: 0.9, eps: 1e-3, weightDecay: 0.5 },
    "not decayed",
    (d) => !d,
    () => 0.01,
    seed + 3,
  );
  return g.report();
}

const ADAMW: RuleSpec<AdamWOptions, AdamWShows> = {
  name: "AdamW",
  engine: "Adam({ decoupled: true })",
  reference: (o) => new ReferenceAdam({ ...o, decoupled: true }),
  suspects: (shows, c) => suspectsFor(ADAMW_MISTAKES, shows, c),
  formula:
    "p := p − lr·λ·p (λ where p.decay); m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², t = 1, 2, … (one m, v per param, one t per step); p := p − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t)",
};

export function gradeAdamW(AdamW: AdamWClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const g = new Grader(
    "E8 · Adam with decoupled weight decay (AdamW)",
    `5 steps, a new grad each, on ${UPDATE_SHAPES.map(([n, r, c]) => `${n} (${r}, ${c})`).join(", ")}`,
    { methods: ["AdamW.step"], engine: "nn.Adam" },
  );
  if (!g.requireFunction(AdamW, "AdamW", "checkAdamW(AdamW)")) return g.report();
  g.check("constructor keeps lr, beta1, beta2, eps and weightDecay (with the lesson's defaults)", () => {
    expectConstructor(
      "AdamW",
      () => new AdamW({ lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 }),
      { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 },
      "new AdamW({ lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 })",
    );
    return expectConstructor("AdamW", () => new AdamW({}), { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, "new AdamW({})");
  });
  const steps = (
    name: string,
    o: AdamWOptions,
    shows: AdamWShows,
    which: (decay: boolean) => boolean,
    lrs: (s: number) => number,
    gradScale: number,
    runSeed: number,
  ): void => {
    g.check(name, (stats) => {
      const run = makeRun(5, lrs, gradScale, runSeed);
      expectSameSteps(
        ADAMW,
        AdamW,
        o,
        run,
        shows,
        which,
        `lr ${[...new Set(run.lrs)].join(" then ")}, β1 ${o.beta1 ?? 0.9}, β2 ${o.beta2 ?? 0.999}, ε ${o.eps ?? 1e-8}, weightDecay ${o.weightDecay ?? 0}, grads of size ~${gradScale}`,
        stats,
      );
    });
  };
  // Small grads and a large ε, so that where ε goes shows (at ε = 1e-8 it would not).
  steps(
    "5 steps, weightDecay 0: every param",
    { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-3 },
    "plain",
    () => true,
    () => 0.01,
    0.01,
    seed,
  );
  steps(
    "5 steps, lr halved after step 3 (as a schedule does)",
    { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-3 },
    "lr changed",
    () => true,
    (s) => (s < 3 ? 0.01 : 0.005),
    0.01,
    seed + 1,
  );
  steps(
    "5 steps with decay: weights (decay: true)",
    { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-3, weightDecay: 0.5 },
    "weights",
    (d) => d,
    () => 0.01,
    0.01,
    seed + 2,
  );
  steps(
    "5 steps with decay: biases, γ and β (decay: false)",
    { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-3, weightDecay: 0.5 },
    "not decayed",
    (d) => !d,
    () => 0.01,
    0.01,
    seed + 3,
  );
  return g.report();
}
