// "When do latent codes beat raw pixels?": classifiers trained on different features of the
// same images, with all labels or only a few. Every run picks its labelled subset and its
// initial weights from a seed, the same for every feature set and classifier, so that two
// runs with the same seed differ only in the features (or the classifier).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { MLPClassifier, MLPOptions } from "../models/mlp";
import { takeRows } from "../data/dataset";
import { evaluate, fit, History, LrSchedule } from "../train/trainer";
import { checkInt } from "../validate";
import { liveLine } from "../train/progress";
import { knnLabelBudgets } from "./knn_classifier";
import { groupBySetting } from "./raw_vs_latent";
import type { SweepRow } from "./raw_vs_latent";

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

/** The labelled images of a seed: the first `count` of Rng(seed).permutation(n) (kNN uses the same). */
export function labelledSubset(n: number, seed: number, count: number): Int32Array {
  return new Rng(seed).permutation(n).subarray(0, Math.min(count, n));
}

/** Trains one classifier on the labelled subset of `seed`, and scores it on the test set. */
export function trainClassifier(
  features: FeatureSet, labels: Labels, settings: ClassifierSettings, seed: number, labelCount = features.train.rows,
  onEpoch?: (history: History) => void,
): ClassifierRun {
  checkInt("labelCount", labelCount);
  const { lr, batchSize, weightDecay, lrSchedule, epochs: _epochs, maxEpochs: _most, patience, ...model } = settings;
  const all = labelCount >= features.train.rows;
  const order = labelledSubset(features.train.rows, seed, labelCount);
  const x = all ? features.train : takeRows(features.train, order);
  const y = all ? labels.train : Int32Array.from(order, (i) => labels.train[i]);
  const classes = Math.max(...labels.train) + 1;
  const classifier = new MLPClassifier({ ...model, inputDim: x.cols, numClasses: classes, seed });
  const epochs = epochsFor(settings, x.rows, features.train.rows);
  const history = fit(classifier, { x, y }, {
    epochs,
    batchSize: Math.min(batchSize, x.rows),
    lr,
    weightDecay,
    lrSchedule,
    seed,
    val: { x: features.val, y: labels.val },
    earlyStopping: { patience: Math.max(patience, Math.floor(epochs / 10)), monitor: "valMetric", mode: "max" },
    onEpoch,
  });
  const testAccuracy = evaluate(classifier, { x: features.test, y: labels.test }).metric;
  return { features: features.name, labelCount: x.rows, seed, model: classifier, history, testAccuracy };
}

export interface SweepOptions {
  /** Labelled-set sizes; a size above the training set means all of it. */
  budgets: readonly number[];
  seeds: readonly number[];
  /** Trained classifiers by name, e.g. { MLP: …, linear: … }. */
  classifiers: Readonly<Record<string, ClassifierSettings>>;
  /** k of the k-NN classifiers, e.g. [1, 5] ("1-NN", "5-NN"). */
  knn: readonly number[];
  /** Rows already computed (e.g. a run shown on its own): not trained again. */
  done?: readonly SweepRow[];
  /** A live progress line. Default true. */
  progress?: boolean;
}

/**
 * Every feature set × classifier × budget × seed: one row of test accuracy each. k-NN runs
 * once per feature set for all budgets, seeds and k; each trained classifier is one run.
 */
export function rawVsLatentSweep(featureSets: readonly FeatureSet[], labels: Labels, options: SweepOptions): SweepRow[] {
  const rows: SweepRow[] = [...(options.done ?? [])];
  const has = (r: Omit<SweepRow, "testAccuracy">): boolean => rows.some((d) => d.features === r.features && d.classifier === r.classifier && d.labels === r.labels && d.seed === r.seed);
  const line = options.progress === false ? null : liveLine("raw vs latent");
  const trained = Object.entries(options.classifiers);
  const total = featureSets.length * (trained.length * options.budgets.length * options.seeds.length + 1);
  let step = 0;
  for (const features of featureSets) {
    line?.update(`${++step}/${total}: ${features.name}, k-NN (k = ${options.knn.join(", ")}) for every budget and seed`);
    for (const r of knnLabelBudgets(features.train, labels.train, features.test, labels.test, { budgets: options.budgets, seeds: options.seeds, ks: options.knn })) {
      rows.push({ features: features.name, classifier: `${r.k}-NN`, labels: r.labels, seed: r.seed, testAccuracy: r.accuracy });
    }
    for (const [classifier, settings] of trained) {
      for (const budget of options.budgets) {
        for (const seed of options.seeds) {
          const count = Math.min(budget, features.train.rows);
          line?.update(`${++step}/${total}: ${features.name}, ${classifier}, ${count} labels, seed ${seed}`);
          if (has({ features: features.name, classifier, labels: count, seed })) continue;
          const run = trainClassifier(features, labels, settings, seed, count);
          rows.push({ features: features.name, classifier, labels: run.labelCount, seed, testAccuracy: run.testAccuracy });
        }
      }
    }
  }
  line?.finish(`${rows.length} results`);
  return rows;
}

/** Mean and sample standard deviation over seeds, per features × classifier × labels. */
export function summarizeSweep(rows: readonly SweepRow[]): Array<{ features: string; classifier: string; labels: number; mean: number; std: number; seeds: number }> {
  return groupBySetting(rows).map((g) => {
    const acc = g.map((r) => r.testAccuracy);
    const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
    const std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, acc.length - 1));
    return { features: g[0].features, classifier: g[0].classifier, labels: g[0].labels, mean, std, seeds: acc.length };
  });
}
