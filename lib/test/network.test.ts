// Networks from any layers and loss (how the exercise track trains learners' layers), and
// fit with an optimiser object instead of lr/weightDecay.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Classifier, ConfigError, Linear, MLPClassifier, Matrix, ReLU, Regressor, Rng, SGD, fit, makeCurve, makeSpirals, meanSquaredError } from "../src";
import type { Layer, Optimizer, Param } from "../src";

const spirals = makeSpirals({ pointsPerClass: 20, seed: 1 });

function layers(seed: number): Layer[] {
  const rng = new Rng(seed);
  return [new Linear(2, 16, { init: "he", rng, name: "fc0" }), new ReLU(), new Linear(16, 3, { init: "he", rng, name: "fc1" })];
}

test("a Classifier of the engine's layers trains exactly like the MLPClassifier with those layers", () => {
  const mlp = new MLPClassifier({ inputDim: 2, hiddenDims: [16], numClasses: 3, seed: 3 });
  const net = new Classifier(layers(3));
  const a = fit(mlp, spirals, { epochs: 5, batchSize: 8, lr: 0.1, weightDecay: 1e-3, seed: 2 });
  const b = fit(net, spirals, { epochs: 5, batchSize: 8, optimizer: new SGD({ lr: 0.1, weightDecay: 1e-3 }), seed: 2 });
  assert.deepEqual(b.trainLoss, a.trainLoss);
  net.params().forEach((p, i) => assert.deepEqual(p.value.data, mlp.params()[i].value.data, p.name));
  assert.equal(net.predict(spirals.x).length, spirals.x.rows);
  assert.equal(net.predictProba(spirals.x).cols, 3);
});

test("fit steps with any object that has lr, weightDecay and step", () => {
  const seen: number[] = [];
  const counting: Optimizer = {
    lr: 0.05,
    weightDecay: 0,
    step(params: readonly Param[]) {
      seen.push(params.length);
      new SGD({ lr: 0.05 }).step(params);
    },
  };
  fit(new Classifier(layers(1)), spirals, { epochs: 2, batchSize: 30, optimizer: counting });
  assert.deepEqual(seen, [4, 4, 4, 4]);
});

test("fit refuses an optimiser given with lr, or one that cannot step", () => {
  const net = new Classifier(layers(1));
  assert.throws(
    () => fit(net, spirals, { epochs: 1, batchSize: 8, lr: 0.1, optimizer: new SGD({ lr: 0.1 }) }),
    /give either optimizer or lr\/weightDecay, not both/,
  );
  assert.throws(
    () => fit(net, spirals, { epochs: 1, batchSize: 8, optimizer: { lr: 0.1, weightDecay: 0 } as unknown as Optimizer }),
    /optimizer must be an object with a step\(params\) method/,
  );
  assert.throws(
    () => fit(net, spirals, { epochs: 1, batchSize: 8, optimizer: { lr: -1, weightDecay: 0, step: () => undefined } }),
    (e: Error) => e instanceof ConfigError && /optimizer.lr must be a finite number > 0 \(got -1\)/.test(e.message),
  );
  assert.throws(() => fit(net, spirals, { epochs: 1, batchSize: 8 }), /lr must be a finite number > 0 \(got undefined\)/);
});

test("a network refuses something that is not a layer, naming it", () => {
  const notALayer = { label: "MyReLU", forward: (x: Matrix) => x, params: () => [], buffers: () => [] };
  assert.throws(() => new Classifier([...layers(1), notALayer as unknown as Layer]), /Classifier: layer 3 \(MyReLU\) is not a Layer: it has no backward\(\)/);
  assert.throws(() => new Regressor([]), /Regressor needs a non-empty list of layers/);
});

test("a Regressor reports the true MSE even when trained with another loss", () => {
  const curve = makeCurve({ n: 40, seed: 2 });
  const halfMse = (p: Matrix, t: Matrix) => {
    const { loss, grad } = meanSquaredError(p, t);
    return { loss: loss / 2, grad };
  };
  const rng = new Rng(4);
  const net = new Regressor([new Linear(1, 8, { init: "xavier", rng }), new ReLU(), new Linear(8, 1, { init: "xavier", rng })], { loss: halfMse });
  const out = net.forward(curve.x, { training: false });
  const { loss } = net.loss(out, curve.y);
  assert.equal(net.metric(out, curve.y, loss), meanSquaredError(out, curve.y).loss);
});
