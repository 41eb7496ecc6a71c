// E8's mistakes, shared by the three rules' catalogues (update_rules_momentum.ts, _rmsprop.ts,
// _adamw.ts): each mistake is a flag of one small step function (a variant of the update), which
// gives both the wrong value on a case (the run replayed with the flag) and the wrong
// implementation (a learner's class whose step is replaced by the variant, reading the
// learner's own lr, momentum, betas, eps, λ).
import { Matrix } from "../../tensor";
import type { AdamWClass, AdamWOptions, MomentumClass, MomentumOptions, RMSPropClass, RMSPropOptions } from "../learner_api";
import type { UpdateRun } from "../update_run";
import type { Mistake } from "./catalogue";

/** One param after a number of steps of a run. */
export interface UpdateRuleCase<Options> {
  run: UpdateRun;
  options: Options;
  /** Steps taken (1 = after the first). */
  steps: number;
  /** Which param. */
  i: number;
}

/** The checks: no decay, lr changed mid-run, the decayed weights, the params with decay: false. */
export type MomentumShows = "plain" | "lr changed" | "weights" | "not decayed";
export type AdamWShows = MomentumShows;
export type RMSPropShows = MomentumShows;

export type MomentumMistake = Mistake<MomentumClass, UpdateRuleCase<MomentumOptions>, MomentumShows, Matrix, "E8">;
export type AdamWMistake = Mistake<AdamWClass, UpdateRuleCase<AdamWOptions>, AdamWShows, Matrix, "E8">;
export type RMSPropMistake = Mistake<RMSPropClass, UpdateRuleCase<RMSPropOptions>, RMSPropShows, Matrix, "E8">;

/** Every check: a mistake that shows whatever the run. */
export const ALL: MomentumShows[] = ["plain", "lr changed", "weights", "not decayed"];
