// "When do latent codes beat raw pixels?": classifiers trained on different features of the
// same images, with all labels or only a few, clean or partly wrong. Every run picks its
// labelled subset, its wrong labels and its initial weights from a seed, the same for every
// feature set and classifier, so that two runs with the same seed differ only in the
// features (or the classifier).
// NOTE: with label noise the validation labels are noisy too, at the same rate (a practitioner
// early-stops on labels from the same source; clean ones would leak); test labels stay clean.
import { Matrix } from "../tensor";
import { MLPClassifier, MLPOptions } from "../models/mlp";
import { takeRows } from "../data/dataset";
import { evaluate, fit, History, LrSchedule } from "../train/trainer";
import { checkInt, checkKnownKeys, checkSeed } from "../validate";
import { ConfigError } from "../errors";
import { liveLine } from "../train/progress";
import { knnLabelBudgets } from "./knn_classifier";
import { labelledSubset, noisyLabels, noisySubsetLabels } from "./label_noise";
import type { SweepRow } from "./sweep_table";

/** A classifier and how it is trained: identical for every feature set. */
export interface ClassifierSettings extends Omit<MLPOptions, "seed" | "dtype"> {
  lr: number;
  batchSize: number;
  weightDecay: number;
  lrSchedule?: LrSchedule;
  /** Epochs with every label; fewer labels get more, up to maxEpochs (see epochsFor). */
  epochs: number;
  /** Default 200. */
  maxEpochs?: number;
  /** Early stopping on validation accuracy (the model keeps its best epoch). */
  patience: number;
}

/** One representation of the same images: e.g. raw pixels, or latent codes. */
export interface FeatureSet {
  name: string;
  train: Matrix;
  val: Matrix;
  test: Matrix;
}

export interface Labels {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

export interface ClassifierRun {
  features: string;
  labelCount: number;
  labelNoise: number;
  seed: number;
  model: MLPClassifier;
  history: History;
  testAccuracy: number;
}

/**
 * Epochs for a run with `labelCount` labels: a small labelled set gives few steps per
 * epoch, so it gets more epochs, as many SGD steps as 10,000 labels would get, up to maxEpochs.
 */
export function epochsFor(settings: ClassifierSettings, labelCount: number, allLabels: number): number {
  const most = settings.maxEpochs ?? 200;
  return Math.min(most, Math.max(settings.epochs, Math.ceil((settings.epochs * Math.min(allLabels, 10000)) / labelCount)));
}

/**
 * What a run of `seed` trains on: the labelled subset's rows and labels, `labelNoise` of them
 * wrong (noisySubsetLabels, drawn over the subset in labelledSubset's order as k-NN draws
 * them), and the validation labels with the same rate wrong. All labels: x is the training set
 * itself, in its own order.
 */
export function labelledTrainingSet(
  features: FeatureSet,
  labels: Labels,
  seed: number,
  labelCount: number,
  labelNoise = 0,
): { x: Matrix; y: Int32Array; yVal: Int32Array } {
  checkInt("labelCount", labelCount);
  const n = features.train.rows;
  const all = labelCount >= n;
  const order = labelledSubset(n, seed, labelCount);
  const x = all ? features.train : takeRows(features.train, order);
  if (labelNoise === 0) return { x, y: all ? labels.train : Int32Array.from(order, (i) => labels.train[i]), yVal: labels.val };
  const classes = Math.max(...labels.train) + 1;
  const noisy = noisySubsetLabels(labels.train, order, labelNoise, classes, seed);
  const y = all ? new Int32Array(n) : noisy;
  if (all) order.forEach((image, i) => (y[image] = noisy[i]));
  return { x, y, yVal: noisyLabels(labels.val, labelNoise, classes, seed, "val") };
}

/** Which run of a classifier: its seed, how many labelled images, how many of their labels wrong. */
export interface ClassifierRunOptions {
  /** Picks the labelled subset, the wrong labels and the initial weights. */
  seed: number;
  /** Labelled training images; default all of them. */
  labelCount?: number;
  /** Fraction of the labelled (and validation) labels made wrong; default 0. */
  labelNoise?: number;
  /** Called after every epoch, e.g. to draw live curves. */
  onEpoch?: (history: History) => void;
}

/**
 * Trains one classifier on the labelled subset of `run.seed`, `run.labelNoise` of its labels (and
 * of the validation labels) wrong (labelledTrainingSet), and scores it on the clean test set.
 */
export function trainClassifier(features: FeatureSet, labels: Labels, settings: ClassifierSettings, run: ClassifierRunOptions): ClassifierRun {
  if (typeof run !== "object" || run === null)
    throw new ConfigError(`trainClassifier: run must be an object like { seed: 0, labelCount: 1000 }, got ${String(run)}`);
  checkKnownKeys("trainClassifier's run", run, ["seed", "labelCount", "labelNoise", "onEpoch"]);
  const seed = checkSeed("run.seed", run.seed);
  const { labelCount = features.train.rows, labelNoise = 0, onEpoch } = run;
  const { lr, batchSize, weightDecay, lrSchedule, epochs: _epochs, maxEpochs: _most, patience, ...model } = settings;
  const n = features.train.rows;
  const { x, y, yVal } = labelledTrainingSet(features, labels, seed, labelCount, labelNoise);
  const classes = Math.max(...labels.train) + 1;
  const classifier = new MLPClassifier({ ...model, inputDim: x.cols, numClasses: classes, seed });
  const epochs = epochsFor(settings, x.rows, n);
  const history = fit(
    classifier,
    { x, y },
    {
      epochs,
      batchSize: Math.min(batchSize, x.rows),
      lr,
      weightDecay,
      lrSchedule,
      seed,
      val: { x: features.val, y: yVal },
      earlyStopping: { patience: Math.max(patience, Math.floor(epochs / 10)), monitor: "valMetric", mode: "max" },
      onEpoch,
    },
  );
  const testAccuracy = evaluate(classifier, { x: features.test, y: labels.test }).metric;
  return { features: features.name, labelCount: x.rows, labelNoise, seed, model: classifier, history, testAccuracy };
}

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
 * is one run.
 */
export function rawVsLatentSweep(featureSets: readonly FeatureSet[], labels: Labels, options: SweepOptions): SweepRow[] {
  const rows: SweepRow[] = [...(options.done ?? [])];
  const has = (r: Omit<SweepRow, "testAccuracy">): boolean =>
    rows.some((d) => d.features === r.features && d.classifier === r.classifier && d.labels === r.labels && d.labelNoise === r.labelNoise && d.seed === r.seed);
  const line = options.progress === false ? null : liveLine("raw vs latent");
  const trained = Object.entries(options.classifiers).map(([name, settings]) => ({ name, settings, runs: sweepRuns(options, name) }));
  const total = featureSets.length * (trained.reduce((sum, c) => sum + c.runs.length * options.seeds.length, 0) + 1);
  const noise = options.labelNoise ?? [0];
  let step = 0;
  for (const features of featureSets) {
    line?.update(`${++step}/${total}: ${features.name}, k-NN (k = ${options.knn.join(", ")}) for every budget, noise level and seed`);
    for (const r of knnLabelBudgets(features.train, labels.train, features.test, labels.test, {
      budgets: options.budgets,
      seeds: options.seeds,
      ks: options.knn,
      noise,
    })) {
      rows.push({ features: features.name, classifier: `${r.k}-NN`, labels: r.labels, labelNoise: r.labelNoise, seed: r.seed, testAccuracy: r.accuracy });
    }
    for (const { name: classifier, settings, runs } of trained) {
      for (const { budget, labelNoise } of runs) {
        for (const seed of options.seeds) {
          const count = Math.min(budget, features.train.rows);
          line?.update(
            `${++step}/${total}: ${features.name}, ${classifier}, ${count} labels${labelNoise > 0 ? ` (${Math.round(labelNoise * 100)} % wrong)` : ""}, seed ${seed}`,
          );
          if (has({ features: features.name, classifier, labels: count, labelNoise, seed })) continue;
          const run = trainClassifier(features, labels, settings, { seed, labelCount: count, labelNoise });
          rows.push({ features: features.name, classifier, labels: run.labelCount, labelNoise, seed, testAccuracy: run.testAccuracy });
        }
      }
    }
  }
  line?.finish(`${rows.length} results`);
  return rows;
}
