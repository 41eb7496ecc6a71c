// E4's mistakes: BatchNorm1d as learners get it wrong. Each wrong implementation changes a
// correct BatchNorm through its public face only (the constructor's momentum and eps, forward,
// backward, params() = [γ, β], buffers() = [running mean, running var]), so it applies to any
// correct learner's class. Where a wrong value needs a formula (a dX without one path), the
// wrong implementation computes it with its own plain loops, apart from the entry's value.
// This file puts the catalogue together; the entries are in three files by what they are about:
// batchnorm_forward.ts (training and eval forward), batchnorm_running_stats.ts and
// batchnorm_backward.ts, and what they share is in batchnorm_shared.ts.
// NOTE: the order below is the catalogue's (training forward, running statistics, eval forward,
// backward): suspects are tried in it.
import type { BatchNormMistake } from "./batchnorm_shared";
import { EVAL_FORWARD_MISTAKES, TRAINING_FORWARD_MISTAKES } from "./batchnorm_forward";
import { RUNNING_STATS_MISTAKES } from "./batchnorm_running_stats";
import { BACKWARD_MISTAKES } from "./batchnorm_backward";

export type { BatchNormShows, BatchNormMistake } from "./batchnorm_shared";

export const BATCHNORM_MISTAKES: readonly BatchNormMistake[] = [
  ...TRAINING_FORWARD_MISTAKES,
  ...RUNNING_STATS_MISTAKES,
  ...EVAL_FORWARD_MISTAKES,
  ...BACKWARD_MISTAKES,
];
