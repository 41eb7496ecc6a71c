// E8's grader: the learner's SGD with momentum, RMSProp and Adam with decoupled weight decay
// (AdamW), each against the engine's (nn.Momentum, nn.RMSProp, nn.Adam with decoupled: true) over several steps
// on the same params and a new grad every step, in float64. Params are compared after every
// step, so a failure names the first step and the param where the two part.
import type { Matrix } from "../tensor";
import type { Optimizer } from "../optim/sgd";
import { Momentum as ReferenceMomentum } from "../optim/momentum";
import { Adam as ReferenceAdam } from "../optim/adam";
import { RMSProp as ReferenceRMSProp } from "../optim/rmsprop";
import { CheckFailure, ErrorStats, GradeOptions, Grader, learner } from "./grader";
import { Suspect, describeValue, expectClose, matchSuspect } from "./answer_comparison";
import { UPDATE_SHAPES, UpdateRun, makeRun, prepareStep, startParams } from "./update_run";
import { suspectsFor } from "./mistakes/catalogue";
import { AdamWShows, MomentumShows, RMSPropShows, UpdateRuleCase } from "./mistakes/update_rules";
import { MOMENTUM_MISTAKES } from "./mistakes/update_rules_momentum";
import { RMSPROP_MISTAKES } from "./mistakes/update_rules_rmsprop";
import { ADAMW_MISTAKES } from "./mistakes/update_rules_adamw";
import type { ExerciseReport } from "./report";
import type { AdamWClass, AdamWOptions, MomentumClass, MomentumOptions, RMSPropClass, RMSPropOptions } from "./learner_api";

interface RuleSpec<Options, Shows extends string> {
  name: string;
  engine: string;
  reference: (o: Options) => Optimizer;
  suspects: (shows: Shows, c: UpdateRuleCase<Options>) => Suspect[];
  formula: string;
}

/**
 * The learner's optimiser and the engine's, step by step on copies of the same params; after
 * each step every param is compared (weights only, or the others only, as `which` says). The
 * first step where they part is reported; the named mistake is read off the whole run, since
 * two mistakes can agree on the first steps (with s = 0, α·s + g² and a bias-corrected s are
 * both g² after step 1).
 */
function expectSameSteps<Options, Shows extends string>(
  spec: RuleSpec<Options, Shows>,
  Class: new (o: Options) => Optimizer,
  options: Options,
  run: UpdateRun,
  shows: Shows,
  which: (decay: boolean) => boolean,
  label: string,
  stats: ErrorStats,
): void {
  const optimizer = learner(`${spec.name} constructor`, () => new Class(options));
  if (typeof optimizer?.step !== "function")
    throw new CheckFailure(
      `new ${spec.name}(…) has no step(params) method (got ${describeValue(optimizer)})`,
      "keep the class and the step(params) method the exercise gives you",
    );
  const reference = spec.reference(options);
  const mine = startParams(run);
  const ref = startParams(run);
  const history: Array<{ mine: Matrix[]; ref: Matrix[] }> = [];
  let thrown: unknown = null;
  for (let s = 0; s < run.grads.length && thrown === null; s++) {
    prepareStep(run, s, mine, optimizer);
    prepareStep(run, s, ref, reference);
    try {
      learner(`${spec.name}.step`, () => optimizer.step(mine));
    } catch (err) {
      thrown = err;
    }
    reference.step(ref);
    if (thrown === null) history.push({ mine: mine.map((p) => p.value.clone()), ref: ref.map((p) => p.value.clone()) });
  }
  const steps = history.length;
  history.forEach((h, s) => {
    mine.forEach((p, i) => {
      if (!which(p.decay)) return;
      try {
        expectClose(h.mine[i], h.ref[i], stats, {
          what: `${p.name} (decay: ${p.decay}) after step ${s + 1} of ${run.grads.length}`,
          where: label,
          suspects: spec.suspects(shows, { run, options, steps: s + 1, i }),
          hint: `your ${spec.name} and nn.${spec.engine} part at this step (the first where they differ), at the entry above; each step should be: ${spec.formula}`,
        });
      } catch (err) {
        if (!(err instanceof CheckFailure)) throw err;
        const named = matchSuspect(history[steps - 1].mine[i], spec.suspects(shows, { run, options, steps, i }));
        throw named === undefined ? err : new CheckFailure(err.detail, named);
      }
    });
  });
  if (thrown !== null) throw thrown;
}

function expectConstructor(name: string, made: () => Optimizer, fields: Record<string, number>, call: string): string {
  const o = learner(`${name} constructor`, made) as unknown as Record<string, unknown>;
  const wrong = Object.entries(fields).filter(([k, v]) => o?.[k] !== v);
  if (wrong.length > 0) {
    throw new CheckFailure(
      `${call} has ${wrong.map(([k]) => `${k} ${String(o?.[k])}`).join(", ")}; expected ${wrong.map(([k, v]) => `${k} ${v}`).join(", ")}`,
      "keep the constructor the exercise gives you: fit reads lr and weightDecay from it, and the defaults are the lesson's",
    );
  }
  return "as given";
}

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
