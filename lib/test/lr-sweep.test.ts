// lrSweep: one fresh run per lr on a tuning split, scored by the mean of the last epochs'
// validation metric; a diverging lr is a row (score NaN), not an exception.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, DivergenceError, MLPClassifier, SGD, fit, lrSweep, makeSpirals, trainValSplit } from "../src";

const data = trainValSplit(makeSpirals({ pointsPerClass: 15, classes: 3, seed: 1 }), 0.2, 2);
const model = () => new MLPClassifier({ inputDim: 2, hiddenDims: [8], numClasses: 3, seed: 3 });
const optimizer = (lr: number) => new SGD({ lr });
const settings = { epochs: 6, batchSize: 9, seed: 4 };

test("each lr gets a fresh run scored by the mean of its last validation accuracies; the best is the highest", () => {
  const { rows, best } = lrSweep({ lrs: [0.01, 0.3, 1e30], model, optimizer, data, fit: settings, lastEpochs: 3 });
  assert.deepEqual(
    rows.map((r) => r.lr),
    [0.01, 0.3, 1e30],
  );
  // The same run by hand: a fresh model per lr, so a row does not depend on the ones before it.
  const byHand = fit(model(), data.train, { ...settings, optimizer: optimizer(0.3), val: data.val });
  assert.deepEqual(rows[1].history!.valMetric, byHand.valMetric);
  assert.equal(rows[1].score, (byHand.valMetric[3] + byHand.valMetric[4] + byHand.valMetric[5]) / 3);
  assert.ok(rows[1].score > rows[0].score, `0.3 (${rows[1].score}) should beat 0.01 (${rows[0].score}) in 6 epochs`);
  assert.equal(best.lr, 0.3);
  assert.ok(Number.isNaN(rows[2].score) && rows[2].history === null, "lr 1e30 diverges and is kept as a row");
});

test("bad lrs are refused, and a sweep where every lr diverges says so", () => {
  assert.throws(() => lrSweep({ lrs: [], model, optimizer, data, fit: settings }), ConfigError);
  assert.throws(() => lrSweep({ lrs: [0.1, -1], model, optimizer, data, fit: settings }), /lrs must be a non-empty list of numbers > 0/);
  assert.throws(
    () => lrSweep({ lrs: [1e30, 1e35], model, optimizer, data, fit: settings }),
    (err: unknown) => err instanceof DivergenceError && /every lr diverged/.test(err.message),
  );
});
