// Early stopping keeps the weights of the best validation epoch, not the last ones.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, MLPRegressor, Matrix, evaluate, fit } from "../src";
import { EarlyStopper } from "../src/train/early_stopping";

// Training pulls every output towards 2 while validation wants 1: starting near 0, the
// validation error falls until the outputs pass 1 and rises after, a known best epoch.
const x = Matrix.fromValues(
  32,
  1,
  Array.from({ length: 32 }, (_, i) => i / 32),
);
const train = { x, y: Matrix.fromValues(32, 1, Array(32).fill(2)) };
const val = { x, y: Matrix.fromValues(32, 1, Array(32).fill(1)) };

test("the model ends with the weights of its best validation epoch", () => {
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [8], outputDim: 1, init: "xavier", seed: 1 });
  const history = fit(model, train, { epochs: 200, batchSize: 8, lr: 0.01, seed: 2, val, earlyStopping: { patience: 3, monitor: "valMetric" } });
  const best = history.bestEpoch!;
  assert.ok(history.stoppedEarly, "validation error kept falling: the test setup is broken");
  assert.equal(history.epoch.length, best + 3, "stops `patience` epochs after the best one");
  const last = history.valMetric[history.valMetric.length - 1];
  assert.ok(last > history.valMetric[best - 1], "the last epoch is worse than the best");
  assert.equal(evaluate(model, val).metric, history.valMetric[best - 1]);
  assert.equal(Math.min(...history.valMetric), history.valMetric[best - 1]);
});

test("without improvement to wait for, all epochs run and the best is still restored", () => {
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [8], outputDim: 1, init: "xavier", seed: 1 });
  const history = fit(model, train, { epochs: 5, batchSize: 8, lr: 0.001, seed: 2, val, earlyStopping: { patience: 10, monitor: "valMetric" } });
  assert.equal(history.stoppedEarly, false);
  assert.equal(history.epoch.length, 5);
  assert.equal(evaluate(model, val).metric, history.valMetric[history.bestEpoch! - 1]);
});

test("early stopping needs validation data and valid settings", () => {
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [4], outputDim: 1 });
  assert.throws(
    () => fit(model, train, { epochs: 2, batchSize: 8, lr: 0.01, earlyStopping: { patience: 2 } }),
    (e: unknown) => e instanceof ConfigError && /needs validation data/.test(e.message),
  );
  assert.throws(
    () => fit(model, train, { epochs: 2, batchSize: 8, lr: 0.01, val, earlyStopping: { patience: 0 } }),
    /earlyStopping\.patience must be an integer >= 1 \(got 0\)/,
  );
  assert.throws(
    () => fit(model, train, { epochs: 2, batchSize: 8, lr: 0.01, val, earlyStopping: { patience: 2, monitor: "loss" as "valLoss" } }),
    /earlyStopping\.monitor must be one of "valLoss", "valMetric"/,
  );
});

test("the keeper takes one epoch's values at a time and gives back its best epoch's weights", () => {
  const model = new MLPRegressor({ inputDim: 1, hiddenDims: [2], outputDim: 1, seed: 1 });
  const weight = model.params()[0].value.data;
  const keeper = new EarlyStopper(model, { patience: 2, monitor: "valMetric", mode: "max" }, true);
  // valMetric 0.5, 0.8 (best), 0.8 (a tie is no improvement), 0.7: patience runs out at epoch 4.
  const stops = [0.5, 0.8, 0.8, 0.7].map((valMetric, i) => {
    weight[0] = i + 1; // the weights this epoch ends with
    return keeper.shouldStop({ epoch: i + 1, valLoss: 1 - valMetric, valMetric });
  });
  assert.deepEqual(stops, [false, false, false, true]);
  assert.equal(keeper.restoreBest(), 2);
  assert.equal(weight[0], 2, "the weights of epoch 2 are back");
});
