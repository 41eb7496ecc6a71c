// Lab 2E's label-noise axis: the noise itself (exact count, a different class, uniform, seeded,
// nested), the training set a noisy run sees (validation noisy, test clean), k-NN's scan split
// over threads with ties in distance, and k-NN with noisy labels against k-NN on each subset alone.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Matrix, Rng, knnLabelBudgets, labelledSubset, labelledTrainingSet, noisyLabels, noisySubsetLabels } from "../src";

const points = (rows: number[][]): Matrix => Matrix.fromRows(rows, "float32");

test("label noise: exactly round(rate·n) labels wrong, each moved to another class, uniformly", () => {
  const classes = 10;
  const labels = Int32Array.from({ length: 20000 }, (_, i) => i % classes);
  const noisy = noisyLabels(labels, 0.4, classes, 7);
  const wrong = labels.reduce((count, y, i) => count + (noisy[i] !== y ? 1 : 0), 0);
  assert.equal(wrong, 8000, "40 % of 20,000, every one a different class");
  assert.ok(noisy.every((y) => y >= 0 && y < classes));
  // Each wrong label is one of the 9 other classes with probability 1/9: 889 expected, sd ~28.
  const shifts = new Array<number>(classes).fill(0);
  labels.forEach((y, i) => shifts[(noisy[i] - y + classes) % classes]++);
  assert.equal(shifts[0], 12000);
  for (let u = 1; u < classes; u++) assert.ok(Math.abs(shifts[u] - 8000 / 9) < 120, `shift ${u}: ${shifts[u]}`);
  assert.equal(
    noisyLabels(labels, 0.2, classes, 7).reduce((c, y, i) => c + (y !== labels[i] ? 1 : 0), 0),
    4000,
  );
  assert.deepEqual(noisyLabels(labels, 0, classes, 7), labels);
});

test("label noise is seeded, and the labels wrong at 20 % are wrong the same way at 40 %", () => {
  const labels = Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 4);
  assert.deepEqual(noisyLabels(labels, 0.4, 4, 3), noisyLabels(labels, 0.4, 4, 3));
  assert.notDeepEqual(noisyLabels(labels, 0.4, 4, 3), noisyLabels(labels, 0.4, 4, 4));
  assert.notDeepEqual(noisyLabels(labels, 0.4, 4, 3, "val"), noisyLabels(labels, 0.4, 4, 3, "train"));
  const at20 = noisyLabels(labels, 0.2, 4, 3);
  const at40 = noisyLabels(labels, 0.4, 4, 3);
  labels.forEach((y, i) => {
    if (at20[i] !== y) assert.equal(at40[i], at20[i], `image ${i}`);
  });
});

test("label noise rejects a rate outside [0, 1], too few classes and labels out of range", () => {
  const labels = Int32Array.from([0, 1, 2]);
  for (const rate of [-0.1, 1.5, NaN]) assert.throws(() => noisyLabels(labels, rate, 3, 0), /label noise rate must be a number in \[0, 1\]/);
  assert.throws(() => noisyLabels(labels, 0.5, 1, 0), /classes >= 2/);
  assert.throws(() => noisyLabels(labels, 0.5, 2, 0), /label 2 is 2, expected an integer in \[0, 2\)/);
});

test("a noisy run trains on the subset's noisy labels (all labels too), early-stops on noisy validation labels, and is tested on clean ones", () => {
  const n = 300;
  const rng = new Rng(1);
  const train = points(Array.from({ length: n }, () => [rng.normal(), rng.normal()]));
  const labels = {
    train: Int32Array.from({ length: n }, (_, i) => i % 5),
    val: Int32Array.from({ length: 100 }, (_, i) => i % 5),
    test: Int32Array.from({ length: 50 }, (_, i) => i % 5),
  };
  const features = { name: "toy", train, val: points(Array.from({ length: 100 }, () => [0, 0])), test: points(Array.from({ length: 50 }, () => [0, 0])) };
  for (const count of [40, n]) {
    const order = labelledSubset(n, 2, count);
    const noisy = noisySubsetLabels(labels.train, order, 0.4, 5, 2);
    const set = labelledTrainingSet(features, labels, 2, count, 0.4);
    // Whatever the order of x, image order[i] carries noisy[i].
    order.forEach((image, i) => assert.equal(set.y[count === n ? image : i], noisy[i], `${count} labels, image ${image}`));
    if (count === n) assert.equal(set.x, train, "all labels: the training set itself");
    assert.equal(
      set.y.reduce((c, y, i) => c + (y !== labels.train[count === n ? i : order[i]] ? 1 : 0), 0),
      Math.round(0.4 * count),
    );
    assert.deepEqual(set.yVal, noisyLabels(labels.val, 0.4, 5, 2, "val"));
    assert.equal(
      set.yVal.reduce((c, y, i) => c + (y !== labels.val[i] ? 1 : 0), 0),
      40,
    );
  }
  assert.deepEqual(
    labels.test,
    Int32Array.from({ length: 50 }, (_, i) => i % 5),
    "test labels untouched",
  );
  const clean = labelledTrainingSet(features, labels, 2, 40);
  assert.deepEqual(
    clean.y,
    Int32Array.from(labelledSubset(n, 2, 40), (i) => labels.train[i]),
  );
  assert.equal(clean.yVal, labels.val);
});

test("k-NN with noisy labels equals k-NN on each noisy labelled subset alone", () => {
  const rng = new Rng(8);
  const train = points(Array.from({ length: 200 }, () => [rng.normal(), rng.normal()]));
  const labels = Int32Array.from({ length: 200 }, () => rng.int(3));
  const test = points(Array.from({ length: 30 }, () => [rng.normal(), rng.normal()]));
  const testLabels = Int32Array.from({ length: 30 }, () => rng.int(3));
  const all = knnLabelBudgets(train, labels, test, testLabels, { budgets: [20, 200], seeds: [0, 1], ks: [1, 5], noise: [0, 0.4] });
  assert.equal(all.length, 2 * 2 * 2 * 2);
  for (const r of all) {
    const subset = labelledSubset(200, r.seed, r.labels);
    const x = points(Array.from(subset, (i) => Array.from(train.row(i))));
    const [alone] = knnLabelBudgets(x, noisySubsetLabels(labels, subset, r.labelNoise, 3, r.seed), test, testLabels, {
      budgets: [r.labels],
      seeds: [0],
      ks: [r.k],
    });
    assert.deepEqual(r.predictions, alone.predictions, `seed ${r.seed}, ${r.labels} labels, noise ${r.labelNoise}, k ${r.k}`);
  }
  assert.ok(
    all.some(
      (r) =>
        r.labelNoise === 0.4 &&
        r.k === 1 &&
        all.find((c) => c.labelNoise === 0 && c.k === 1 && c.seed === r.seed && c.labels === r.labels)!.accuracy !== r.accuracy,
    ),
    "noise changes 1-NN's answers",
  );
});

test("k-NN: equal distances go to the smaller training index, on any number of threads", () => {
  // (0, 0) is 1 from both training points: k = 1 takes index 0 (label 1), not the smaller label.
  const [tie] = knnLabelBudgets(
    points([
      [1, 0],
      [-1, 0],
    ]),
    Int32Array.from([1, 0]),
    points([[0, 0]]),
    Int32Array.from([1]),
    { budgets: [2], seeds: [0], ks: [1] },
  );
  assert.deepEqual([...tie.predictions], [1]);
  // Random points on a coarse grid with duplicates: many exact ties, inside and at the edge of the k nearest.
  const rng = new Rng(9);
  const grid = () => [rng.int(4), rng.int(4), rng.int(3)];
  const train = points(Array.from({ length: 400 }, grid));
  const labels = Int32Array.from({ length: 400 }, () => rng.int(6));
  const test = points(Array.from({ length: 97 }, grid));
  const testLabels = Int32Array.from({ length: 97 }, () => rng.int(6));
  const options = { budgets: [10, 60, 400], seeds: [0, 1, 2], ks: [1, 3, 5], noise: [0, 0.2], block: 40 };
  const one = knnLabelBudgets(train, labels, test, testLabels, { ...options, threads: 1 });
  for (const threads of [2, 3]) {
    const many = knnLabelBudgets(train, labels, test, testLabels, { ...options, threads });
    many.forEach((r, i) => assert.deepEqual(r.predictions, one[i].predictions, `${threads} threads, result ${i}`));
  }
  // The reference: sort each labelled subset by (squared distance, index), vote the first k, ties to the smaller label.
  for (const r of one.filter((x) => x.labelNoise === 0)) {
    const subset = Array.from(labelledSubset(400, r.seed, r.labels));
    for (let t = 0; t < test.rows; t++) {
      const d2 = (j: number): number => Array.from(train.row(j)).reduce((s, v, c) => s + (v - test.get(t, c)) ** 2, 0);
      const nearest = subset
        .map((j) => [d2(j), j])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .slice(0, r.k);
      const votes = new Array<number>(6).fill(0);
      for (const [, j] of nearest) votes[labels[j]]++;
      assert.equal(r.predictions[t], votes.indexOf(Math.max(...votes)), `seed ${r.seed}, ${r.labels} labels, k ${r.k}, test ${t}`);
    }
  }
});
