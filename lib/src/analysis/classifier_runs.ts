// One classifier run of Lab 2E: a labelled subset of one feature set (some labels possibly
// wrong), an MLP or linear classifier trained on it with early stopping, scored on the clean
// test set. Every choice flows from the run's seed: two runs with the same seed differ only
// in the features (or the classifier).
// NOTE: with label noise the validation labels are noisy too, at the same rate (a practitioner
// early-stops on labels from the same source; clean ones would leak); test labels stay clean.
import { Matrix } from "../tensor";
import { MLPClassifier, MLPOptions } from "../models/mlp";
import { takeRows } from "../data/dataset";
import { evaluate, fit, History, LrSchedule } from "../train/trainer";
import { checkInt, checkKnownKeys, checkSeed } from "../validate";
import { ConfigError } from "../errors";
import { labelledSubset, noisyLabels, noisySubsetLabels } from "./label_noise";

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
