// E8's comparison of a learner's optimiser with the engine's, step by step on the same run,
// shared by the three graders in check_update_rules.ts (Momentum, RMSProp, AdamW). The runs
// themselves (params, grads, lrs) are made in update_run.ts.
import type { Matrix } from "../tensor";
import type { Optimizer } from "../optim/sgd";
import { CheckFailure, ErrorStats, learner } from "./grader";
import { Suspect, describeValue, expectClose, matchSuspect } from "./answer_comparison";
import { UpdateRun, prepareStep, startParams } from "./update_run";
import type { UpdateRuleCase } from "./mistakes/update_rules";

/** One rule as the runner needs it: its names, the engine's optimiser, the catalogue's suspects and the formula a hint quotes. */
export interface RuleSpec<Options, Shows extends string> {
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
export function expectSameSteps<Options, Shows extends string>(
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

/** The learner's constructor keeps the options it is given (and the lesson's defaults): `fields` as they must read afterwards. */
export function expectConstructor(name: string, made: () => Optimizer, fields: Record<string, number>, call: string): string {
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
