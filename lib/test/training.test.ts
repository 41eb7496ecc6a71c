// Training end to end: an MLP fits a tiny dataset, a seed reproduces weights bit for
// bit, weight decay shrinks weights but not biases, divergence is reported.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  Autoencoder,
  DivergenceError,
  MLPClassifier,
  MLPRegressor,
  Matrix,
  Rng,
  SGD,
  batchBounds,
  evaluate,
  fit,
  kernels,
  l2Penalty,
  makeCurve,
  makeSpirals,
  trainValSplit,
} from "../src";

test("an MLP overfits a tiny dataset to 100% training accuracy", () => {
  const data = makeSpirals({ pointsPerClass: 10, classes: 3, seed: 1 });
  for (const batchNorm of [false, true]) {
    const model = new MLPClassifier({ inputDim: 2, hiddenDims: [32, 32], numClasses: 3, useBatchNorm: batchNorm, seed: 2 });
    const history = fit(model, data, { epochs: 400, batchSize: 10, lr: 0.2, seed: 3 });
    const { loss, metric } = evaluate(model, data);
    assert.equal(metric, 1, `batchNorm=${batchNorm}: accuracy ${metric}`);
    assert.ok(loss < history.trainLoss[0] / 4, `batchNorm=${batchNorm}: loss ${loss} from ${history.trainLoss[0]}`);
  }
});

test("the same seeds give bit-identical weights after training", () => {
  const data = makeSpirals({ pointsPerClass: 30, seed: 4 });
  const train = (): Float32Array[] => {
    const model = new MLPClassifier({ inputDim: 2, hiddenDims: [16, 8], numClasses: 3, useBatchNorm: true, seed: 5 });
    fit(model, data, { epochs: 5, batchSize: 16, lr: 0.1, weightDecay: 1e-3, seed: 6 });
    return [...model.params(), ...model.buffers()].map((p) => p.value.data as Float32Array);
  };
  const a = train();
  const b = train();
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(w, b[i]));
  // And a different shuffling seed gives different weights.
  const model = new MLPClassifier({ inputDim: 2, hiddenDims: [16, 8], numClasses: 3, useBatchNorm: true, seed: 5 });
  fit(model, data, { epochs: 5, batchSize: 16, lr: 0.1, weightDecay: 1e-3, seed: 7 });
  assert.notDeepEqual(model.params()[0].value.data, a[0]);
});

test("two runs of a short autoencoder training give bit-identical weights, on every backend here", () => {
  // What the README promises: same machine, backend and thread count → same bits. Products
  // big enough to go through the threaded and SIMD paths (and OpenBLAS with blas).
  const rng = new Rng(8);
  const x = new Matrix(512, 96);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
  const before = kernels.backendStatus().name;
  try {
    for (const name of Object.keys(kernels.availableBackends()) as Array<"blas" | "wasm" | "js">) {
      kernels.useBackend(name);
      const train = (): Float32Array[] => {
        const model = new Autoencoder({ inputDim: 96, encDims: [64, 16], decDims: [64], useBatchNorm: true, seed: 9 });
        fit(model, { x, y: x }, { epochs: 2, batchSize: 128, lr: 5, weightDecay: 1e-4, seed: 10 });
        return [...model.params(), ...model.buffers()].map((p) => p.value.data as Float32Array);
      };
      const a = train();
      const b = train();
      a.forEach((w, i) =>
        assert.ok(
          Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)),
          `${name}: tensor ${i} differs between two runs`,
        ),
      );
    }
  } finally {
    kernels.useBackend(before);
  }
});

test("weight decay shrinks weights and leaves biases alone", () => {
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [4], outputDim: 1, seed: 1 });
  for (const p of model.params()) {
    p.value.data.fill(1);
    p.grad.data.fill(0);
  }
  new SGD({ lr: 0.5, weightDecay: 0.1 }).step(model.params());
  for (const p of model.params()) {
    const expected = p.decay ? 1 - 0.5 * 0.1 : 1;
    assert.ok(
      p.value.data.every((v) => Math.abs(v - expected) < 1e-7),
      `${p.name}: ${p.value.data[0]}`,
    );
  }
  assert.deepEqual(
    model.params().map((p) => [p.name, p.decay]),
    [
      ["fc0.weight", true],
      ["fc0.bias", false],
      ["fc1.weight", true],
      ["fc1.bias", false],
    ],
  );
});

test("a regressor learns the noisy curve and the history has one entry per epoch", () => {
  const { train, val } = trainValSplit(makeCurve({ n: 400, noise: 0.1, seed: 1 }), 0.25, 2);
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [32, 32], outputDim: 1, init: "xavier", seed: 3 });
  const seen: number[] = [];
  const history = fit(model, train, { epochs: 100, batchSize: 16, lr: 0.02, seed: 4, val, onEpoch: (h) => seen.push(h.epoch.length) });
  assert.deepEqual(seen, history.epoch);
  assert.equal(history.valLoss.length, 100);
  assert.equal(history.metricName, "mse");
  // The target's variance is ~0.8 and the noise variance 0.01: a fit that learnt the
  // curve's shape gets well below the former on held-out data.
  assert.ok(history.valMetric[99] < 0.15, `val MSE ${history.valMetric[99]}`);
  assert.ok(history.valMetric[99] < history.valMetric[0] / 3, `val MSE ${history.valMetric[0]} → ${history.valMetric[99]}`);
});

test("a huge learning rate stops with a DivergenceError naming epoch and lr", () => {
  const data = makeCurve({ n: 64, seed: 1 });
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [16], outputDim: 1, seed: 1 });
  assert.throws(
    () => fit(model, data, { epochs: 50, batchSize: 16, lr: 1e6, seed: 1 }),
    (err: unknown) => err instanceof DivergenceError && /diverged at epoch \d+, batch \d+ of 4: loss is (NaN|Infinity) \(lr=1000000/.test(err.message),
  );
});

test("NaN or Infinity in the inputs is refused before training, with its position", () => {
  const data = makeCurve({ n: 8, seed: 1 });
  data.x.data[5] = NaN;
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [4], outputDim: 1 });
  assert.throws(() => fit(model, data, { epochs: 1, batchSize: 4, lr: 0.1 }), /training data x has NaN at row 5, column 0/);
  const clean = makeCurve({ n: 8, seed: 1 });
  const val = makeCurve({ n: 4, seed: 2 });
  val.x.data[3] = -Infinity;
  assert.throws(() => fit(model, clean, { epochs: 1, batchSize: 4, lr: 0.1, val }), /validation data x has -Infinity at row 3, column 0/);
});

test("batches cover every row once and never end with less than half a batch", () => {
  assert.deepEqual(batchBounds(10, 4), [
    [0, 4],
    [4, 8],
    [8, 10],
  ]);
  assert.deepEqual(batchBounds(9, 4), [
    [0, 4],
    [4, 9],
  ]);
  assert.deepEqual(batchBounds(1, 4), [[0, 1]]);
  assert.deepEqual(batchBounds(10000, 128).slice(-2), [
    [9728, 9856],
    [9856, 10000],
  ]);
  assert.equal(batchBounds(54000, 128).length, 422, "a last batch of 112 of 128 stays on its own");
});

test("inputs of the wrong width or dtype are refused before any arithmetic", () => {
  const model = new MLPClassifier({ inputDim: 2, hiddenDims: [4], numClasses: 3 });
  assert.throws(() => model.predict(new Matrix(5, 3)), /expects inputs with 2 columns \(inputDim\), got \(5, 3\)/);
  assert.throws(() => model.predict(new Matrix(5, 2, "float64")), /model is float32 but the inputs are float64/);
  assert.throws(
    () => fit(model, { x: new Matrix(5, 2), y: new Int32Array(4) }, { epochs: 1, batchSize: 2, lr: 0.1 }),
    /training data: 5 input rows but 4 targets/,
  );
});

test("with weight decay the reported loss is the data loss plus λ/2·Σ‖W‖²", () => {
  const data = makeCurve({ n: 32, seed: 2 });
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [8], outputDim: 1, seed: 2 });
  const history = fit(model, data, { epochs: 2, batchSize: 32, lr: 0.01, weightDecay: 0.5, seed: 1, val: data });
  const weights = model
    .params()
    .filter((p) => p.decay)
    .flatMap((p) => Array.from(p.value.data));
  const penalty = 0.25 * weights.reduce((s, w) => s + w * w, 0);
  assert.ok(penalty > 0.1);
  assert.ok(Math.abs(history.valLoss[1] - (history.valMetric[1] + penalty)) < 1e-6, `${history.valLoss[1]} vs ${history.valMetric[1]} + ${penalty}`);
  assert.equal(l2Penalty(model.params(), 0), 0);
});

test("a cosine schedule decays the learning rate epoch by epoch, and the history records it", () => {
  const data = makeSpirals({ pointsPerClass: 10, seed: 1 });
  const model = new MLPClassifier({ inputDim: 2, hiddenDims: [8], numClasses: 3, seed: 1 });
  const history = fit(model, data, { epochs: 4, batchSize: 10, lr: 0.2, lrSchedule: "cosine" });
  assert.deepEqual(
    history.lr.map((v) => +v.toFixed(6)),
    [0.2, 0.170711, 0.1, 0.029289],
  );
  assert.deepEqual(fit(model, data, { epochs: 2, batchSize: 10, lr: 0.2 }).lr, [0.2, 0.2]);
  // An SGD given as an object follows the schedule from its own lr and gets that lr back.
  const sgd = new SGD({ lr: 0.2 });
  assert.deepEqual(fit(model, data, { epochs: 4, batchSize: 10, optimizer: sgd, lrSchedule: "cosine" }).lr, history.lr);
  assert.equal(sgd.lr, 0.2);
  // An optimiser whose lr cannot be set is refused by name, not trained at a constant lr.
  const fixed = {
    get lr() {
      return 0.1;
    },
    weightDecay: 0,
    step: (params: Parameters<SGD["step"]>[0]) => sgd.step(params),
  };
  assert.throws(
    () => fit(model, data, { epochs: 2, batchSize: 10, optimizer: fixed, lrSchedule: "cosine" }),
    /lrSchedule sets optimizer.lr before every epoch, but this optimizer's lr cannot be set/,
  );
  assert.throws(
    () => fit(model, data, { epochs: 2, batchSize: 10, lr: 0.1, lrSchedule: "linear" as "cosine" }),
    /lrSchedule must be one of "constant", "cosine" \(got "linear"\)/,
  );
});
