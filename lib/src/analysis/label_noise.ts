// Which training images a run of Lab 2E labels, and which of those labels are wrong.
// Symmetric label noise: a seeded fraction of the labels, each replaced by a
// uniformly drawn DIFFERENT class, so that "40 % noise" means 40 % of the labels are wrong
// (drawing from all classes would leave a tenth of them right by chance: 36 % wrong with 10
// classes). Not a model of realistic annotator mistakes (those confuse similar classes).
import { Rng } from "../random";
import { ConfigError } from "../errors";
import { checkSeed } from "../validate";

/** The labelled images of a seed: the first `count` of Rng(seed).permutation(n) (k-NN and the trained classifiers alike). */
export function labelledSubset(n: number, seed: number, count: number): Int32Array {
  return new Rng(seed).permutation(n).subarray(0, Math.min(count, n));
}

/** Which labels a seed corrupts: the labelled training subset, or the validation set. */
export type NoiseStream = "train" | "val";

// NOTE: each stream is an Rng of its own, seeded from the run's seed mixed with a constant so
// that seeds 0, 1, 2 of the noise do not replay the subset permutation of another small seed.
const STREAM: Record<NoiseStream, number> = { train: 0x5bd1e995, val: 0x27d4eb2f };

/**
 * `labels` with round(rate · n) of them wrong: the first of a seeded shuffle of the positions,
 * each moved to (label + u) mod classes with u uniform in 1..classes−1. The shuffle and the
 * draws do not depend on `rate`, so the images wrong at 20 % are also wrong (the same way) at
 * 40 %: noise levels are nested, and paired like the budgets.
 * @param labels (n) true labels in [0, classes) @param rate in [0, 1]
 */
export function noisyLabels(labels: Int32Array, rate: number, classes: number, seed: number, stream: NoiseStream = "train"): Int32Array {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) throw new ConfigError(`label noise rate must be a number in [0, 1] (got ${rate})`);
  if (!Number.isInteger(classes) || classes < 2) throw new ConfigError(`label noise needs classes >= 2 (got ${classes})`);
  checkSeed("seed", seed);
  const bad = labels.findIndex((y) => !(y >= 0 && y < classes));
  if (bad >= 0) throw new ConfigError(`label noise: label ${bad} is ${labels[bad]}, expected an integer in [0, ${classes})`);
  const out = Int32Array.from(labels);
  if (rate === 0) return out;
  const rng = new Rng((seed ^ STREAM[stream]) >>> 0);
  const order = rng.permutation(labels.length);
  const wrong = Math.round(rate * labels.length);
  for (let p = 0; p < labels.length; p++) {
    const shift = 1 + rng.int(classes - 1);
    if (p < wrong) out[order[p]] = (labels[order[p]] + shift) % classes;
  }
  return out;
}

/** The labels of `subset` (training indices, in the order labelledSubset gives them), with `rate` of them wrong. */
export function noisySubsetLabels(labels: Int32Array, subset: Int32Array, rate: number, classes: number, seed: number): Int32Array {
  return noisyLabels(
    Int32Array.from(subset, (i) => labels[i]),
    rate,
    classes,
    seed,
    "train",
  );
}
