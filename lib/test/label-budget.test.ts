// The raw-vs-latent helpers: confusion matrices, the epoch rule of the label-budget
// sweep, its labelled subsets, and the mean ± std summary.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ClassifierSettings, Matrix, Rng, confusionMatrix, epochsFor, summarizeSweep, trainClassifier } from "../src";

const settings: ClassifierSettings = { hiddenDims: [8], lr: 0.5, batchSize: 16, weightDecay: 0, epochs: 10, patience: 3 };

test("confusion matrix counts (true, predicted) pairs", () => {
  assert.deepEqual(confusionMatrix(Int32Array.from([0, 1, 1, 2, 0]), Int32Array.from([0, 1, 2, 2, 1]), 3), [[1, 0, 0], [1, 1, 0], [0, 1, 1]]);
});

test("fewer labels get more epochs, up to 300", () => {
  assert.equal(epochsFor(settings, 54000, 54000), 10);
  assert.equal(epochsFor(settings, 10000, 54000), 10);
  assert.equal(epochsFor(settings, 1000, 54000), 100);
  assert.equal(epochsFor(settings, 100, 54000), 300);
});

test("a labelled subset is a seeded choice of rows, and the classifier learns from it", () => {
  const rng = new Rng(1);
  const n = 400;
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x.set(i, 0, rng.normal() + 3 * y[i]);
    x.set(i, 1, rng.normal());
  }
  const features = { name: "toy", train: x, val: x, test: x };
  const labels = { train: y, val: y, test: y };
  const run = trainClassifier(features, labels, settings, 3, 50);
  assert.equal(run.labelCount, 50);
  assert.ok(run.testAccuracy > 0.85, `accuracy ${run.testAccuracy}`);
  assert.equal(trainClassifier(features, labels, settings, 3, 50).testAccuracy, run.testAccuracy, "same seed, same run");
});

test("the sweep summary is a mean and a sample standard deviation per label count", () => {
  const rows = [
    { features: "raw", labelCount: 100, testAccuracy: 0.6 },
    { features: "raw", labelCount: 100, testAccuracy: 0.8 },
    { features: "raw", labelCount: 1000, testAccuracy: 0.9 },
    { features: "latent", labelCount: 100, testAccuracy: 0.7 },
  ];
  const [raw, latent] = summarizeSweep(rows);
  assert.deepEqual(raw.x, [100, 1000]);
  assert.ok(Math.abs(raw.mean[0] - 0.7) < 1e-12 && Math.abs(raw.std[0] - Math.sqrt(0.02)) < 1e-12);
  assert.deepEqual([raw.std[1], latent.name, latent.mean[0]], [0, "latent", 0.7]);
});
