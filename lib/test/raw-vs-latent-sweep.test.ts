// The raw-vs-latent helpers: confusion matrices, the epoch rule of the label-budget
// sweep, its labelled subsets, the sweep itself, the mean ± std summary and Lab 2E's pivot of it.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ClassifierSettings, Matrix, Rng, confusionMatrix, epochsFor, rawVsLatentSweep, summarizeSweep, sweepPivot, sweepRuns, trainClassifier } from "../src";
import { ConfigError } from "../src/errors";

const settings: ClassifierSettings = { hiddenDims: [8], lr: 0.5, batchSize: 16, weightDecay: 0, epochs: 10, patience: 3 };

test("confusion matrix counts (true, predicted) pairs", () => {
  assert.deepEqual(confusionMatrix(Int32Array.from([0, 1, 1, 2, 0]), Int32Array.from([0, 1, 2, 2, 1]), 3), [
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 1],
  ]);
});

test("fewer labels get more epochs, up to maxEpochs (200 by default)", () => {
  assert.equal(epochsFor(settings, 54000, 54000), 10);
  assert.equal(epochsFor(settings, 10000, 54000), 10);
  assert.equal(epochsFor(settings, 1000, 54000), 100);
  assert.equal(epochsFor(settings, 100, 54000), 200);
  assert.equal(epochsFor({ ...settings, maxEpochs: 50 }, 100, 54000), 50);
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
  const run = trainClassifier(features, labels, settings, { seed: 3, labelCount: 50 });
  assert.equal(run.labelCount, 50);
  assert.ok(run.testAccuracy > 0.85, `accuracy ${run.testAccuracy}`);
  assert.equal(trainClassifier(features, labels, settings, { seed: 3, labelCount: 50 }).testAccuracy, run.testAccuracy, "same seed, same run");
});

test("the sweep has one row per features × classifier × budget × seed, and reuses rows already done", () => {
  const rng = new Rng(2);
  const make = (n: number, shift: number) => {
    const x = new Matrix(n, 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x.set(i, 0, rng.normal() + shift * y[i]);
      x.set(i, 1, rng.normal());
    }
    return { x, y };
  };
  const train = make(120, 3);
  const test = make(60, 3);
  const labels = { train: train.y, val: test.y, test: test.y };
  const sets = [
    { name: "a", train: train.x, val: test.x, test: test.x },
    { name: "b", train: train.x, val: test.x, test: test.x },
  ];
  const done = [{ features: "a", classifier: "linear", labels: 20, labelNoise: 0, seed: 0, testAccuracy: 0.123 }];
  const rows = rawVsLatentSweep(sets, labels, {
    budgets: [20, 1000],
    seeds: [0, 1],
    classifiers: { linear: { ...settings, hiddenDims: [] } },
    knn: [1, 5],
    done,
    progress: false,
  });
  assert.equal(rows.length, 2 * 3 * 2 * 2, "2 feature sets × (linear, 1-NN, 5-NN) × 2 budgets × 2 seeds");
  assert.deepEqual(
    [...new Set(rows.map((r) => r.labels))].sort((p, q) => p - q),
    [20, 120],
    "a budget above the training set means all of it",
  );
  assert.equal(rows.filter((r) => r.features === "a" && r.classifier === "linear" && r.labels === 20 && r.seed === 0).map((r) => r.testAccuracy)[0], 0.123);
  assert.ok(
    rows.filter((r) => r.labels === 120).every((r) => r.testAccuracy > 0.85),
    "with all labels every classifier separates the two blobs",
  );
});

test("the sweep summary is a mean and a sample standard deviation per features × classifier × labels", () => {
  const rows = [
    { features: "raw", classifier: "MLP", labels: 100, labelNoise: 0, seed: 0, testAccuracy: 0.6 },
    { features: "raw", classifier: "MLP", labels: 100, labelNoise: 0, seed: 1, testAccuracy: 0.8 },
    { features: "raw", classifier: "MLP", labels: 1000, labelNoise: 0, seed: 0, testAccuracy: 0.9 },
    { features: "raw", classifier: "1-NN", labels: 100, labelNoise: 0, seed: 0, testAccuracy: 0.5 },
  ];
  const [mlp100, mlp1000, knn] = summarizeSweep(rows);
  assert.ok(Math.abs(mlp100.mean - 0.7) < 1e-12 && Math.abs(mlp100.std - Math.sqrt(0.02)) < 1e-12);
  assert.deepEqual([mlp100.seeds, mlp1000.std, knn.classifier, knn.mean], [2, 0, "1-NN", 0.5]);
});

test("the pivot has a row per classifier × noise × label count with runs and a mean ± std column per feature set", () => {
  const row = (features: string, classifier: string, labels: number, labelNoise: number, seed: number, testAccuracy: number) => ({
    features,
    classifier,
    labels,
    labelNoise,
    seed,
    testAccuracy,
  });
  const rows = [
    row("raw", "MLP", 1000, 0, 0, 0.6),
    row("raw", "MLP", 1000, 0, 1, 0.8),
    row("codes", "MLP", 1000, 0, 0, 0.7),
    row("raw", "MLP", 100, 0, 0, 0.5),
    row("raw", "1-NN", 100, 0.4, 0, 0.25),
    row("codes", "1-NN", 100, 0.4, 0, 0.125),
  ];
  const pivot = sweepPivot(rows, { classifiers: ["1-NN", "MLP", "linear"], labelNoise: [0, 0.4], features: ["raw", "codes"] });
  assert.deepEqual(pivot, [
    { classifier: "1-NN", "label noise": "40 %", labels: 100, raw: "0.250 ± 0.000", codes: "0.125 ± 0.000" },
    { classifier: "MLP", "label noise": "0 %", labels: 100, raw: "0.500 ± 0.000", codes: "" },
    { classifier: "MLP", "label noise": "0 %", labels: 1000, raw: `0.700 ± ${Math.sqrt(0.02).toFixed(3)}`, codes: "0.700 ± 0.000" },
  ]);
});

test("trainClassifier takes its run as an options object and names what is wrong in it", () => {
  const x = Matrix.fromRows([
    [0, 1],
    [1, 0],
  ]);
  const features = { name: "toy", train: x, val: x, test: x };
  const labels = { train: Int32Array.from([0, 1]), val: Int32Array.from([0, 1]), test: Int32Array.from([0, 1]) };
  const fails = (run: unknown, message: RegExp) =>
    assert.throws(
      () => trainClassifier(features, labels, settings, run as { seed: number }),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  fails(3, /run must be an object/);
  fails({ seed: 0, labels: 100 }, /has no field "labels"/);
  fails({ labelCount: 2 }, /run\.seed/);
});

test("the sweep crosses label noise with the budgets, for a trained classifier only where asked", () => {
  const options = { budgets: [20, 50, 1000], seeds: [0, 1], classifiers: {}, knn: [1], labelNoise: [0, 0.4], noisyBudgets: { MLP: [50] } };
  assert.deepEqual(
    sweepRuns(options, "MLP").map((r) => `${r.budget}/${r.labelNoise}`),
    ["20/0", "50/0", "1000/0", "50/0.4"],
  );
  assert.deepEqual(
    sweepRuns(options, "linear").map((r) => `${r.budget}/${r.labelNoise}`),
    ["20/0", "50/0", "1000/0", "20/0.4", "50/0.4", "1000/0.4"],
  );
  const rng = new Rng(4);
  const x = new Matrix(100, 2);
  const y = Int32Array.from({ length: 100 }, (_, i) => i % 2);
  for (let i = 0; i < 100; i++) x.set(i, 0, rng.normal() + 4 * y[i]);
  const sets = [{ name: "a", train: x, val: x, test: x }];
  const rows = rawVsLatentSweep(
    sets,
    { train: y, val: y, test: y },
    { ...options, classifiers: { MLP: { ...settings, epochs: 2, maxEpochs: 4 } }, progress: false },
  );
  assert.equal(rows.length, 3 * 2 * 2 + 4 * 2, "1-NN: 3 budgets × 2 noise levels × 2 seeds; MLP: 4 runs × 2 seeds");
  assert.deepEqual(
    rows.filter((r) => r.classifier === "MLP" && r.labelNoise > 0).map((r) => r.labels),
    [50, 50],
  );
  const noisy = rows.filter((r) => r.classifier === "1-NN" && r.labelNoise === 0.4 && r.labels === 100);
  assert.ok(
    noisy.every((r) => r.testAccuracy < 0.8),
    `40 % wrong labels: 1-NN repeats them on the training images (${noisy.map((r) => r.testAccuracy)})`,
  );
  assert.ok(rows.filter((r) => r.classifier === "1-NN" && r.labelNoise === 0 && r.labels === 100).every((r) => r.testAccuracy === 1));
});

test("trained runs on worker threads give the rows of one thread, in the same order", () => {
  const rng = new Rng(5);
  const n = 300;
  const x = new Matrix(n, 12);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 12; j++) x.set(i, j, rng.normal() + (j % 3 === y[i] ? 1.5 : 0));
  const sets = [
    { name: "a", train: x, val: x, test: x },
    { name: "b", train: x, val: x, test: x },
  ];
  const options = {
    budgets: [30, 100, 1000],
    seeds: [0, 1],
    classifiers: { MLP: { ...settings, hiddenDims: [16], epochs: 3, maxEpochs: 6 }, linear: { ...settings, hiddenDims: [], epochs: 3, maxEpochs: 6 } },
    knn: [1],
    labelNoise: [0, 0.3],
    done: [{ features: "b", classifier: "MLP", labels: 30, labelNoise: 0, seed: 1, testAccuracy: 0.5 }],
    progress: false,
  };
  const here = rawVsLatentSweep(sets, { train: y, val: y, test: y }, { ...options, threads: 1 });
  const threaded = rawVsLatentSweep(sets, { train: y, val: y, test: y }, { ...options, threads: 2 });
  assert.equal(threaded.length, 2 * (3 * 2 * 2 + 2 * 6 * 2));
  assert.deepEqual(threaded, here);
  assert.ok(new Set(threaded.filter((r) => r.classifier === "MLP").map((r) => r.testAccuracy)).size > 3, "the runs differ from each other");
});
