// "When do latent codes beat raw pixels?": the same classifier trained on different
// features of the same images, with all labels or only a few. Every run picks its
// labelled subset and its initial weights from a seed, the same for every feature set.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { MLPClassifier, MLPOptions } from "../models/mlp";
import { takeRows } from "../data/dataset";
import { evaluate, fit, History } from "../train/trainer";
import { checkInt } from "../validate";
import { liveLine } from "../train/progress";

/** The classifier and how it is trained: identical for every feature set. */
export interface ClassifierSettings extends Omit<MLPOptions, "seed" | "dtype"> {
  lr: number;
  batchSize: number;
  weightDecay: number;
  /** At most this many epochs with all labels; fewer labels get more (see epochsFor). */
  epochs: number;
  /** Early stopping on validation accuracy. */
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
 * epoch, so it gets more epochs (up to 300), keeping the number of SGD steps comparable.
 */
export function epochsFor(settings: ClassifierSettings, labelCount: number, allLabels: number): number {
  return Math.min(300, Math.max(settings.epochs, Math.ceil((settings.epochs * Math.min(allLabels, 10000)) / labelCount)));
}

/** Trains one classifier on the first `labelCount` training rows of a seeded shuffle. */
export function trainClassifier(
  features: FeatureSet, labels: Labels, settings: ClassifierSettings, seed: number, labelCount = features.train.rows,
  onEpoch?: (history: History) => void,
): ClassifierRun {
  checkInt("labelCount", labelCount);
  const { lr, batchSize, weightDecay, epochs: _epochs, patience, ...model } = settings;
  const order = new Rng(seed).permutation(features.train.rows).subarray(0, Math.min(labelCount, features.train.rows));
  const x = labelCount >= features.train.rows ? features.train : takeRows(features.train, order);
  const y = labelCount >= features.train.rows ? labels.train : Int32Array.from(order, (i) => labels.train[i]);
  const classes = Math.max(...labels.train) + 1;
  const classifier = new MLPClassifier({ ...model, inputDim: x.cols, numClasses: classes, seed });
  const epochs = epochsFor(settings, x.rows, features.train.rows);
  const history = fit(classifier, { x, y }, {
    epochs,
    batchSize: Math.min(batchSize, x.rows),
    lr,
    weightDecay,
    seed,
    val: { x: features.val, y: labels.val },
    earlyStopping: { patience: Math.max(patience, Math.floor(epochs / 10)), monitor: "valMetric", mode: "max" },
    onEpoch,
  });
  const testAccuracy = evaluate(classifier, { x: features.test, y: labels.test }).metric;
  return { features: features.name, labelCount: x.rows, seed, model: classifier, history, testAccuracy };
}

/** Every feature set × label budget × seed; test accuracy of each run (models are not kept). */
export function labelBudgetSweep(
  featureSets: FeatureSet[], labels: Labels, budgets: number[], seeds: number[], settings: ClassifierSettings, progress = true,
): Array<{ features: string; labelCount: number; seed: number; testAccuracy: number; epochs: number }> {
  const line = progress ? liveLine("label budgets") : null;
  const rows: Array<{ features: string; labelCount: number; seed: number; testAccuracy: number; epochs: number }> = [];
  const total = featureSets.length * budgets.length * seeds.length;
  for (const budget of budgets) {
    for (const seed of seeds) {
      for (const features of featureSets) {
        line?.update(`${rows.length + 1}/${total}: ${features.name}, ${budget} labels, seed ${seed}`);
        const run = trainClassifier(features, labels, settings, seed, budget);
        rows.push({ features: features.name, labelCount: run.labelCount, seed, testAccuracy: run.testAccuracy, epochs: run.history.epoch.length });
      }
    }
  }
  line?.finish(`${total} runs done`);
  return rows;
}

/** Mean and standard deviation (over seeds) of test accuracy per feature set and label count. */
export function summarizeSweep(rows: Array<{ features: string; labelCount: number; testAccuracy: number }>): Array<{ name: string; x: number[]; mean: number[]; std: number[] }> {
  const names = [...new Set(rows.map((r) => r.features))];
  return names.map((name) => {
    const counts = [...new Set(rows.filter((r) => r.features === name).map((r) => r.labelCount))].sort((a, b) => a - b);
    const stats = counts.map((c) => {
      const acc = rows.filter((r) => r.features === name && r.labelCount === c).map((r) => r.testAccuracy);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, acc.length - 1));
      return { mean, std };
    });
    return { name, x: counts, mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
  });
}
