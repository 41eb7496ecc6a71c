// Lab 2E's new classifiers and its conclusion: kNN for many label budgets at once (a
// hand-worked case, scikit-learn, and brute force per budget), feature standardisation,
// the linear softmax classifier's gradients, and the conclusion generator on a made-up table.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import {
  MLPClassifier,
  Matrix,
  Rng,
  conclusions,
  differencesFromRaw,
  gradcheck,
  io,
  knnLabelBudgets,
  noiseConclusions,
  noiseRobustness,
  readSweepCsv,
  saveSweepCsv,
  standardizer,
} from "../src";
import type { SweepRow } from "../src";
import { tempDir } from "./support/temp";
import { PYTHON, requirePython } from "./support/requirements";

const points = (rows: number[][]): Matrix => Matrix.fromRows(rows, "float32");

test("kNN: a hand-worked case, with a tie going to the smaller label", () => {
  const train = points([
    [0, 0],
    [0, 1],
    [10, 10],
    [10, 11],
    [5, 5],
  ]);
  const labels = Int32Array.from([0, 0, 1, 1, 2]);
  const test = points([
    [0, 0.4],
    [10, 10.6],
    [4, 4],
  ]);
  const [k1, k3] = knnLabelBudgets(train, labels, test, Int32Array.from([0, 1, 2]), { budgets: [5], seeds: [0], ks: [1, 3] });
  assert.deepEqual([...k1.predictions], [0, 1, 2]);
  // (4, 4): the nearest three are (5, 5) label 2 at 1.4, (0, 1) at 5 and (0, 0) at 5.7, both label 0 → 0.
  assert.deepEqual([...k3.predictions], [0, 1, 0]);
  assert.equal(k1.accuracy, 1);
  // A 2-way tie among k = 2: labels 0 and 1 at distances 1 and 1.5 → the smaller label, 0.
  const tie = knnLabelBudgets(
    points([
      [1, 0],
      [0, 1.5],
    ]),
    Int32Array.from([1, 0]),
    points([[0, 0]]),
    Int32Array.from([0]),
    { budgets: [2], seeds: [0], ks: [2] },
  );
  assert.deepEqual([...tie[0].predictions], [0]);
});

test("kNN for many budgets at once equals kNN on each labelled subset alone", () => {
  const rng = new Rng(3);
  const train = points(Array.from({ length: 300 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const labels = Int32Array.from({ length: 300 }, () => rng.int(4));
  const test = points(Array.from({ length: 40 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const testLabels = Int32Array.from({ length: 40 }, () => rng.int(4));
  const all = knnLabelBudgets(train, labels, test, testLabels, { budgets: [10, 50, 300], seeds: [0, 1], ks: [1, 5], block: 7 });
  assert.equal(all.length, 2 * 3 * 2);
  for (const r of all) {
    const subset = new Rng(r.seed).permutation(300).subarray(0, r.labels);
    const x = points(Array.from(subset, (i) => Array.from(train.row(i))));
    const [alone] = knnLabelBudgets(
      x,
      Int32Array.from(subset, (i) => labels[i]),
      test,
      testLabels,
      { budgets: [r.labels], seeds: [0], ks: [r.k] },
    );
    assert.deepEqual(r.predictions, alone.predictions, `seed ${r.seed}, ${r.labels} labels, k ${r.k}`);
  }
  assert.throws(() => knnLabelBudgets(train, labels, test, testLabels, { budgets: [3], seeds: [0], ks: [5] }), /k = 5 needs at least 5 labelled images/);
});

test("kNN agrees with scikit-learn's KNeighborsClassifier", (t) => {
  if (!requirePython(t, "numpy", "sklearn.neighbors")) return;
  const rng = new Rng(5);
  const train = points(Array.from({ length: 500 }, () => Array.from({ length: 6 }, () => rng.normal())));
  const labels = Int32Array.from({ length: 500 }, () => rng.int(5));
  const test = points(Array.from({ length: 200 }, () => Array.from({ length: 6 }, () => rng.normal())));
  const file = path.join(tempDir("nnfs-knn-"), "knn.npz");
  io.saveNpz(file, { train, labels, test });
  const script =
    "import sys,numpy as np\nfrom sklearn.neighbors import KNeighborsClassifier as K\nz=np.load(sys.argv[1])\n" +
    "for k in (1, 5): print(' '.join(map(str, K(n_neighbors=k, algorithm='brute').fit(z['train'].astype(np.float64), z['labels']).predict(z['test'].astype(np.float64)))))";
  const run = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const [k1, k5] = run.stdout
    .trim()
    .split("\n")
    .map((line) => line.split(" ").map(Number));
  const ours = knnLabelBudgets(train, labels, test, new Int32Array(200), { budgets: [500], seeds: [0], ks: [1, 5] });
  assert.deepEqual(Array.from(ours[0].predictions), k1);
  assert.deepEqual(Array.from(ours[1].predictions), k5);
});

test("standardisation uses the training statistics, with a floor for near-constant columns", () => {
  const train = points([
    [1, 0],
    [3, 0],
    [5, 0.001],
  ]);
  const s = standardizer(train, 0.01);
  assert.deepEqual(
    Array.from(s.mean, (v) => +v.toFixed(6)),
    [3, 0.000333],
  );
  assert.ok(Math.abs(s.std[0] - Math.sqrt(8 / 3)) < 1e-12);
  assert.equal(s.std[1], 0.01, "the floor, not 0.00047");
  const out = s.apply(points([[3, 0.01]]));
  assert.equal(out.get(0, 0), 0);
  assert.ok(Math.abs(out.get(0, 1) - (0.01 - 0.001 / 3) / 0.01) < 1e-6);
});

test("the linear softmax classifier (no hidden layer) passes the gradient check", () => {
  const model = new MLPClassifier({ inputDim: 5, hiddenDims: [], numClasses: 4, dtype: "float64", seed: 2 });
  assert.deepEqual(
    model.net.layers.map((l) => l.label),
    ["Linear(5 → 4)"],
  );
  const x = gradcheck.randomMatrix(7, 5, new Rng(3));
  for (const r of gradcheck.checkModelGradients(model, x, Int32Array.from([0, 1, 2, 3, 0, 1, 2]))) assert.ok(r.relError < 1e-7, `${r.name}: ${r.relError}`);
});

test("the conclusion is computed from the table: paired differences, two standard errors", () => {
  const rows: SweepRow[] = [];
  const add = (features: string, classifier: string, labels: number, accs: number[]) =>
    accs.forEach((testAccuracy, seed) => rows.push({ features, classifier, labels, labelNoise: 0, seed, testAccuracy }));
  add("raw pixels", "1-NN", 100, [0.6, 0.62, 0.61]);
  add("codes A", "1-NN", 100, [0.65, 0.66, 0.66]); // +0.047, consistent: a win
  add("raw pixels", "1-NN", 1000, [0.75, 0.76, 0.75]);
  add("codes A", "1-NN", 1000, [0.74, 0.77, 0.75]); // noisy +0.000: a tie
  add("raw pixels", "MLP", 1000, [0.8, 0.81, 0.8]);
  add("codes A", "MLP", 1000, [0.7, 0.72, 0.71]); // −0.093: a loss
  add("codes A", "MLP", 300, [0.7, 0.7, 0.7]); // no raw rows: left out
  const diffs = differencesFromRaw(rows, "raw pixels");
  assert.equal(diffs.length, 3);
  const byKey = Object.fromEntries(diffs.map((d) => [`${d.classifier} ${d.labels}`, d]));
  assert.equal(byKey["1-NN 100"].verdict, "win");
  assert.ok(Math.abs(byKey["1-NN 100"].diff - 0.0467) < 1e-3);
  assert.equal(byKey["1-NN 1000"].verdict, "tie");
  assert.equal(byKey["MLP 1000"].verdict, "loss");
  const text = conclusions(diffs);
  assert.match(text[0], /^Of 3 settings .* in 1, lose by more than two standard errors in 1, and are within two standard errors in 1\.$/);
  assert.match(text.join("\n"), /The largest win: codes A with 1-NN at 100 labels, 0\.657 vs 0\.610 \(\+0\.047 ± 0\.00\d\)/);
  assert.match(text.join("\n"), /The largest loss: codes A with MLP at 1,000 labels/);
  assert.match(text.join("\n"), /^codes A, 1-NN: win at 100 \(\+0\.047\); no clear difference at 1,000 \(\+0\.000\)\.$/m);
  // The test set's sampling error widens the bars: +0.047 on 100 test images is within 2 SE (~0.13).
  const small = differencesFromRaw(rows, "raw pixels", 100);
  assert.equal(small.find((d) => d.classifier === "1-NN" && d.labels === 100)!.verdict, "tie");
  const seSmall = small.find((d) => d.classifier === "1-NN" && d.labels === 100)!.se;
  assert.ok(Math.abs(seSmall - Math.sqrt(byKey["1-NN 100"].se ** 2 + (0.6567 * 0.3433 + 0.61 * 0.39) / 100)) < 1e-3, `se ${seSmall}`);
  // One seed: never a verdict.
  assert.equal(
    differencesFromRaw(
      rows.filter((r) => r.seed === 0),
      "raw pixels",
    ).every((d) => d.verdict === "tie"),
    true,
  );
});

test("the sweep table keeps one dataset's rows when another dataset's sweep is saved", () => {
  const file = path.join(tempDir("nnfs-sweep-"), "raw_vs_latent.csv");
  const row = (features: string, testAccuracy: number): SweepRow => ({ features, classifier: "1-NN", labels: 100, labelNoise: 0, seed: 0, testAccuracy });
  saveSweepCsv(file, "fashion", [row("raw pixels", 0.5), row('codes: "best" AE', 0.6)]);
  saveSweepCsv(file, "mnist", [row("raw pixels", 0.9)]);
  saveSweepCsv(file, "fashion", [row("raw pixels", 0.55)]);
  assert.equal(fs.readFileSync(file, "utf8").split("\n")[0], "dataset,features,classifier,labels,label_noise,seed,test_accuracy");
  assert.deepEqual(
    readSweepCsv(file).map((r) => [r.dataset, r.features, r.testAccuracy]),
    [
      ["mnist", "raw pixels", 0.9],
      ["fashion", "raw pixels", 0.55],
    ],
  );
  saveSweepCsv(file, "mnist", [row('codes: "best" AE', 0.95)]);
  assert.equal(readSweepCsv(file).find((r) => r.dataset === "mnist")!.features, 'codes: "best" AE', "quotes survive");
  fs.writeFileSync(file, "a,b\n1,2\n");
  assert.throws(() => readSweepCsv(file), /not a raw-vs-latent table/);
});

test("a table written before the label-noise axis reads as clean labels; the new column round-trips", () => {
  const file = path.join(tempDir("nnfs-sweep-"), "raw_vs_latent.csv");
  fs.writeFileSync(
    file,
    'dataset,features,classifier,labels,seed,test_accuracy\nfashion,"raw pixels",1-NN,100,0,0.500000\nmnist,"codes: best AE",MLP,54000,2,0.900000\n',
  );
  assert.deepEqual(
    readSweepCsv(file).map((r) => [r.dataset, r.labels, r.labelNoise, r.seed, r.testAccuracy]),
    [
      ["fashion", 100, 0, 0, 0.5],
      ["mnist", 54000, 0, 2, 0.9],
    ],
  );
  saveSweepCsv(file, "fashion", [{ features: "raw pixels", classifier: "linear", labels: 100, labelNoise: 0.4, seed: 1, testAccuracy: 0.25 }]);
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  assert.deepEqual(lines, [
    "dataset,features,classifier,labels,label_noise,seed,test_accuracy",
    'mnist,"codes: best AE",MLP,54000,0,2,0.900000',
    'fashion,"raw pixels",linear,100,0.4,1,0.250000',
  ]);
  assert.deepEqual(
    readSweepCsv(file).map((r) => [r.dataset, r.labelNoise]),
    [
      ["mnist", 0],
      ["fashion", 0.4],
    ],
  );
  fs.writeFileSync(file, `${lines[0]}\nfashion,"raw pixels",linear,100,1.5,1,0.25\n`);
  assert.throws(() => readSweepCsv(file), /line 2 has label_noise 1\.5, expected a fraction in \[0, 1\]/);
});

test("noise robustness: each side's loss to the noise, and their paired difference with two standard errors", () => {
  const rows: SweepRow[] = [];
  const add = (features: string, classifier: string, labels: number, labelNoise: number, accs: number[]) =>
    accs.forEach((testAccuracy, seed) => rows.push({ features, classifier, labels, labelNoise, seed, testAccuracy }));
  add("raw pixels", "1-NN", 100, 0, [0.6, 0.62, 0.61]);
  add("raw pixels", "1-NN", 100, 0.4, [0.4, 0.43, 0.41]); // raw loses 0.197
  add("codes A", "1-NN", 100, 0, [0.65, 0.66, 0.66]);
  add("codes A", "1-NN", 100, 0.4, [0.6, 0.61, 0.62]); // codes lose 0.047: advantage +0.150, a clear "codes"
  add("raw pixels", "linear", 100, 0, [0.7, 0.71, 0.7]);
  add("raw pixels", "linear", 100, 0.4, [0.65, 0.66, 0.65]); // raw loses 0.050
  add("codes A", "linear", 100, 0, [0.7, 0.7, 0.71]);
  add("codes A", "linear", 100, 0.4, [0.4, 0.41, 0.4]); // codes lose 0.300: "raw"
  add("raw pixels", "MLP", 100, 0, [0.7, 0.75, 0.7]);
  add("raw pixels", "MLP", 100, 0.4, [0.6, 0.6, 0.65]);
  add("codes A", "MLP", 100, 0, [0.7, 0.72, 0.69]);
  add("codes A", "MLP", 100, 0.4, [0.64, 0.6, 0.6]); // +0.013 with a wide spread: a tie
  add("codes A", "MLP", 1000, 0, [0.8, 0.8, 0.8]);
  add("codes A", "MLP", 1000, 0.4, [0.7, 0.7, 0.7]); // no raw rows at 1,000: left out
  const results = noiseRobustness(rows, "raw pixels", 0.4);
  assert.equal(results.length, 3);
  const by = Object.fromEntries(results.map((r) => [r.classifier, r]));
  assert.ok(Math.abs(by["1-NN"].rawDrop - 0.19667) < 1e-4 && Math.abs(by["1-NN"].codesDrop - 0.04667) < 1e-4);
  assert.ok(Math.abs(by["1-NN"].advantage - 0.15) < 1e-9, `${by["1-NN"].advantage}`);
  assert.deepEqual(
    results.map((r) => [r.classifier, r.verdict]),
    [
      ["1-NN", "codes"],
      ["linear", "raw"],
      ["MLP", "tie"],
    ],
  );
  // The standard error: the spread over seeds of the per-seed advantage (0.15, 0.14, 0.16), plus the test set's.
  assert.ok(Math.abs(by["1-NN"].se - 0.01 / Math.sqrt(3)) < 1e-9, `${by["1-NN"].se}`);
  const withTest = noiseRobustness(rows, "raw pixels", 0.4, 200).find((r) => r.classifier === "1-NN")!;
  const binomial = [0.61, 0.41333, 0.65667, 0.61].reduce((s, p) => s + p * (1 - p), 0) / 200;
  assert.ok(Math.abs(withTest.se - Math.sqrt((0.01 / Math.sqrt(3)) ** 2 + binomial)) < 1e-4, `${withTest.se}`);
  assert.equal(
    noiseRobustness(
      rows.filter((r) => r.seed === 0),
      "raw pixels",
      0.4,
    ).every((r) => r.verdict === "tie"),
    true,
    "one seed: no verdict",
  );
  const text = noiseConclusions(results).join("\n");
  assert.match(
    text,
    /^With 40 % of the labels wrong, raw pixels lose 0\.116 test accuracy on average and the codes 0\.146, over 3 settings .*in 1, more in 1, and within two standard errors in 1\.$/m,
  );
  assert.match(text, /^So at 40 % the answer depends on the setting\.$/m);
  assert.match(text, /The codes' clearest gain: codes A with 1-NN at 100 labels, raw pixels lose 0\.197 and the codes 0\.047 \(\+0\.150 ± 0\.006\)/);
  assert.match(text, /^codes A, linear, 40 % wrong: raw pixels lose less at 100 \(−0\.250\)\.$/m);
  assert.match(noiseConclusions(results.slice(0, 1)).join("\n"), /So at 40 % the codes resist label noise better than raw pixels in most settings\./);
  assert.match(noiseConclusions([])[0], /no setting run both with clean and with noisy labels/);
  // The conclusion counts wins per noise level, and names the noise of the largest win or loss.
  const summary = conclusions(differencesFromRaw(rows, "raw pixels"));
  assert.match(summary[0], /^With clean labels, of 3 settings/);
  assert.match(
    summary[1],
    /^With 40 % of the labels wrong, of 3 settings .* beat raw pixels by more than two standard errors in 1, lose by more than two standard errors in 1/,
  );
  assert.match(summary.join("\n"), /The largest loss: codes A with linear at 100 labels \(40 % wrong\), 0\.403 vs 0\.653/);
  assert.match(summary.join("\n"), /^codes A, 1-NN \(clean labels\): win at 100 \(\+0\.047\)\.$/m);
});
