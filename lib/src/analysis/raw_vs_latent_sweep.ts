// "When do latent codes beat raw pixels?": classifiers trained on different features of the
// same images, with all labels or only a few, clean or partly wrong (classifier_runs.ts);
// k-NN for every budget from one scan per feature set. The trained runs go to worker threads
// two (or NNFS_THREADS) at a time (sweep_jobs.ts).
import { liveLine } from "../train/progress";
import { knnLabelBudgets } from "./knn_classifier";
import type { SweepRow } from "./sweep_table";
import type { ClassifierSettings, FeatureSet, Labels } from "./classifier_runs";
import { runJobs } from "../parallel/job_threads";
import { SWEEP_JOB_HANDLER, SweepJob, SweepJobContext, SweepJobResult, sweepJobCost } from "./sweep_jobs";

export interface SweepOptions {
  /** Labelled-set sizes; a size above the training set means all of it. */
  budgets: readonly number[];
  seeds: readonly number[];
  /** Trained classifiers by name, e.g. { MLP: …, linear: … }. */
  classifiers: Readonly<Record<string, ClassifierSettings>>;
  /** k of the k-NN classifiers, e.g. [1, 5] ("1-NN", "5-NN"). */
  knn: readonly number[];
  /** Label-noise rates, each crossed with every budget (k-NN votes them all from one scan). Default [0]. */
  labelNoise?: readonly number[];
  /** The budgets at which a trained classifier also runs with noisy labels (default: all), e.g. { MLP: [1000] }. */
  noisyBudgets?: Readonly<Record<string, readonly number[]>>;
  /** Rows already computed (e.g. a run shown on its own): not trained again. */
  done?: readonly SweepRow[];
  /** A live progress line. Default true. */
  progress?: boolean;
  /** Trained runs at once, each on its own worker thread; default NNFS_THREADS, else every core. 1: one after the other, here. */
  threads?: number;
}

/** The (budget, noise) runs of one trained classifier in a sweep: every budget clean, noisy ones where allowed. */
export function sweepRuns(options: SweepOptions, classifier: string): Array<{ budget: number; labelNoise: number }> {
  const noisyAt = options.noisyBudgets?.[classifier];
  return (options.labelNoise ?? [0]).flatMap((labelNoise) =>
    options.budgets.filter((b) => labelNoise === 0 || noisyAt === undefined || noisyAt.includes(b)).map((budget) => ({ budget, labelNoise })),
  );
}

/**
 * Every feature set × classifier × budget × noise × seed: one row of test accuracy each. k-NN
 * runs once per feature set for all budgets, noise levels, seeds and k; each trained classifier
 * is one run, `threads` runs at a time. The rows do not depend on `threads` with the wasm or js
 * kernels; with OpenBLAS they equal those of NNFS_THREADS=1 (every run uses one BLAS thread).
 */
export function rawVsLatentSweep(featureSets: readonly FeatureSet[], labels: Labels, options: SweepOptions): SweepRow[] {
  const done = options.done ?? [];
  const has = (r: Omit<SweepRow, "testAccuracy">): boolean =>
    done.some((d) => d.features === r.features && d.classifier === r.classifier && d.labels === r.labels && d.labelNoise === r.labelNoise && d.seed === r.seed);
  const line = options.progress === false ? null : liveLine("raw vs latent");
  const noise = options.labelNoise ?? [0];
  const knnRows = featureSets.map((features, f) => {
    line?.update(`${features.name}: k-NN (k = ${options.knn.join(", ")}) for every budget, noise level and seed (${f + 1}/${featureSets.length})`);
    return knnLabelBudgets(features.train, labels.train, features.test, labels.test, {
      budgets: options.budgets,
      seeds: options.seeds,
      ks: options.knn,
      noise,
    }).map((r): SweepRow => ({
      features: features.name,
      classifier: `${r.k}-NN`,
      labels: r.labels,
      labelNoise: r.labelNoise,
      seed: r.seed,
      testAccuracy: r.accuracy,
    }));
  });
  const jobs: SweepJob[] = [];
  featureSets.forEach((features, f) => {
    for (const classifier of Object.keys(options.classifiers)) {
      for (const { budget, labelNoise } of sweepRuns(options, classifier)) {
        for (const seed of options.seeds) {
          const labelCount = Math.min(budget, features.train.rows);
          if (!has({ features: features.name, classifier, labels: labelCount, labelNoise, seed }))
            jobs.push({ features: f, classifier, labelCount, labelNoise, seed });
        }
      }
    }
  });
  const context: SweepJobContext = { featureSets, labels, classifiers: options.classifiers };
  let finished = 0;
  const results = runJobs<SweepJob, SweepJobResult>({
    handler: SWEEP_JOB_HANDLER,
    context,
    jobs,
    cost: (job) => sweepJobCost(context, job),
    threads: options.threads,
    onResult: (i) => {
      const j = jobs[i];
      const wrong = j.labelNoise > 0 ? ` (${Math.round(j.labelNoise * 100)} % wrong)` : "";
      line?.update(`${++finished}/${jobs.length} runs: ${featureSets[j.features].name}, ${j.classifier}, ${j.labelCount} labels${wrong}, seed ${j.seed}`);
    },
  });
  // In the order of the loops above: per feature set, its k-NN rows, then its trained runs.
  const rows: SweepRow[] = [...done];
  featureSets.forEach((features, f) => {
    rows.push(...knnRows[f]);
    jobs.forEach((j, i) => {
      if (j.features !== f) return;
      rows.push({
        features: features.name,
        classifier: j.classifier,
        labels: results[i].labelCount,
        labelNoise: j.labelNoise,
        seed: j.seed,
        testAccuracy: results[i].testAccuracy,
      });
    });
  });
  line?.finish(`${rows.length} results`);
  return rows;
}
