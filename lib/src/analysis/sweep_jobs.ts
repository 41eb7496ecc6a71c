// The trained runs of the raw-vs-latent sweep as jobs for runJobs (parallel/job_threads.ts):
// each worker thread receives the feature sets and labels once, then trains run after run.
import { matrixOf } from "../parallel/cloned_matrix";
import type { JobHandler, JobRunner } from "../parallel/job_threads";
import { ClassifierSettings, epochsFor, FeatureSet, Labels, trainClassifier } from "./classifier_runs";

/** One trained run: which feature set (by position), classifier (by name), labels and seed. */
export interface SweepJob {
  features: number;
  classifier: string;
  labelCount: number;
  labelNoise: number;
  seed: number;
}

export interface SweepJobContext {
  featureSets: readonly FeatureSet[];
  labels: Labels;
  classifiers: Readonly<Record<string, ClassifierSettings>>;
}

export interface SweepJobResult {
  labelCount: number;
  testAccuracy: number;
}

export const SWEEP_JOB_HANDLER: JobHandler = { module: __filename, name: "sweepJobRunner" };

export function sweepJobRunner(context: SweepJobContext): JobRunner<SweepJob, SweepJobResult> {
  const sets = context.featureSets.map((f) => ({ name: f.name, train: matrixOf(f.train), val: matrixOf(f.val), test: matrixOf(f.test) }));
  return (job) => {
    const run = trainClassifier(sets[job.features], context.labels, context.classifiers[job.classifier], {
      seed: job.seed,
      labelCount: job.labelCount,
      labelNoise: job.labelNoise,
    });
    return { labelCount: run.labelCount, testAccuracy: run.testAccuracy };
  };
}

/** Roughly proportional to a run's time: epochs × labelled rows × the first layer's size. */
export function sweepJobCost(context: SweepJobContext, job: SweepJob): number {
  const settings = context.classifiers[job.classifier];
  const features = context.featureSets[job.features];
  const classes = Math.max(...context.labels.train) + 1;
  return epochsFor(settings, job.labelCount, features.train.rows) * job.labelCount * features.train.cols * (settings.hiddenDims[0] ?? classes);
}
