// The `dropout` option of the MLPs and the autoencoder: a Dropout after every hidden
// activation, seeded from the model's seed, 0 = today's networks, bad values refused,
// and the whole network's gradient checked with the masks held fixed.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Autoencoder, ConfigError, Dropout, Layer, MLPClassifier, MLPRegressor, Matrix, Rng } from "../src";
import { dropoutSeed } from "../src/models/blocks";
import { checkModelGradients, randomMatrix, GradientReport } from "../src/testing/gradcheck";

const TOLERANCE = 1e-6;

function dropouts(layers: readonly Layer[]): Dropout[] {
  return layers.filter((l): l is Dropout => l instanceof Dropout);
}

function weights(params: Array<{ value: Matrix }>): number[][] {
  return params.map((p) => Array.from(p.value.data));
}

function ones(rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols, "float64");
  m.data.fill(1);
  return m;
}

function assertAllBelow(reports: GradientReport[], what: string): void {
  assert.ok(reports.length > 0);
  for (const r of reports) assert.ok(r.relError < TOLERANCE, `${what}: ${r.name} relative error ${r.relError.toExponential(2)} >= ${TOLERANCE}`);
}

test("dropout puts a Dropout after every hidden activation; 0 (the default) adds none", () => {
  const mlp = new MLPClassifier({ inputDim: 3, hiddenDims: [6, 5], numClasses: 4, useBatchNorm: true, dropout: 0.25, seed: 1 });
  assert.deepEqual(
    mlp.net.layers.map((l) => l.label.replace(/\(.*/, "")),
    ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"],
  );
  assert.ok(dropouts(mlp.net.layers).every((d) => d.p === 0.25));
  const ae = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], dropout: 0.1 });
  // The latent layer is a hidden layer too: the encoder ends with its Dropout (the identity in eval).
  assert.deepEqual([dropouts(ae.encoder.layers).length, dropouts(ae.decoder.layers).length], [2, 1]);
  assert.equal(ae.encoder.layers[ae.encoder.layers.length - 1] instanceof Dropout, true);
  for (const model of [
    new MLPRegressor({ inputDim: 2, hiddenDims: [4], outputDim: 1 }),
    new MLPRegressor({ inputDim: 2, hiddenDims: [4], outputDim: 1, dropout: 0 }),
  ]) {
    assert.equal(dropouts(model.net.layers).length, 0);
    assert.equal(model.config.dropout, 0);
  }
  assert.equal(dropouts([...new Autoencoder({ inputDim: 6, encDims: [3], decDims: [] }).encoder.layers]).length, 0);
});

test("a model with dropout starts from the weights of the one without and evaluates the same", () => {
  const x = randomMatrix(7, 6, new Rng(4)).astype("float32");
  const plain = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], useBatchNorm: true, seed: 9 });
  const dropped = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], useBatchNorm: true, seed: 9, dropout: 0.3 });
  assert.deepEqual(weights(dropped.params()), weights(plain.params()));
  assert.deepEqual(dropped.reconstruct(x).data, plain.reconstruct(x).data, "eval mode: Dropout is the identity");
  assert.deepEqual(dropped.encode(x).data, plain.encode(x).data);
  const train = (m: Autoencoder): Float32Array => Float32Array.from(m.forward(x, { training: true }).data);
  assert.notDeepEqual(train(dropped), train(plain), "training mode drops units");
});

test("each Dropout has its own seed from the model's: the same seed repeats the masks, another seed changes them", () => {
  const x = randomMatrix(8, 3, new Rng(5));
  const make = (seed: number) => new MLPRegressor({ inputDim: 3, hiddenDims: [16, 16], outputDim: 2, dropout: 0.5, dtype: "float64", seed });
  const out = (m: MLPRegressor) => Array.from(m.forward(x, { training: true }).data);
  assert.deepEqual(out(make(3)), out(make(3)));
  assert.notDeepEqual(out(make(3)), out(make(4)));
  const seeds = [0, 1, 2, 3].map((i) => dropoutSeed(3, i));
  assert.equal(new Set(seeds).size, 4, "one seed per layer");
  assert.deepEqual(
    seeds,
    [0, 1, 2, 3].map((i) => dropoutSeed(3, i)),
    "a function of the model's seed and the index alone",
  );
  assert.notEqual(dropoutSeed(3, 0), dropoutSeed(4, 0));
  // Two layers with the same seed would drop the same units: the masks must differ between layers.
  const m = make(3);
  m.forward(ones(64, 3), { training: true });
  const [first, second] = dropouts(m.net.layers).map((d) => Array.from(d.forward(ones(4, 16), { training: true }).data));
  assert.notDeepEqual(first, second);
});

test("dropout outside [0, 1) is refused with a ConfigError naming the option", () => {
  for (const bad of [-0.1, 1, 1.5, NaN, Infinity, "0.1"]) {
    const expected = (e: unknown) => e instanceof ConfigError && /^dropout must be a number in \[0, 1\)/.test(e.message);
    assert.throws(() => new Autoencoder({ encDims: [4], decDims: [], dropout: bad as number }), expected, String(bad));
    assert.throws(() => new MLPClassifier({ inputDim: 2, hiddenDims: [4], numClasses: 2, dropout: bad as number }), expected, String(bad));
  }
});

/** Every Dropout keeps the mask of its first training forward, so finite differences see one function. */
function fixMasks(layers: readonly Layer[]): void {
  for (const d of dropouts(layers)) d.keepMask = true;
}

test("an MLP classifier with BatchNorm and dropout: every gradient matches, the masks held fixed", () => {
  const model = new MLPClassifier({ inputDim: 3, hiddenDims: [6, 5], numClasses: 4, useBatchNorm: true, dropout: 0.3, dtype: "float64", seed: 11 });
  fixMasks(model.net.layers);
  const rng = new Rng(7);
  const reports = checkModelGradients(
    model,
    randomMatrix(10, 3, rng),
    Int32Array.from({ length: 10 }, (_, i) => i % 4),
  );
  assert.equal(reports.length, 9);
  assertAllBelow(reports, "MLPClassifier(dropout 0.3)");
});

test("an autoencoder with dropout: every gradient matches, the masks held fixed", () => {
  const model = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], activation: "sigmoid", init: "xavier", dropout: 0.4, dtype: "float64", seed: 2 });
  fixMasks([...model.encoder.layers, ...model.decoder.layers]);
  const x = randomMatrix(9, 6, new Rng(12));
  const reports = checkModelGradients(model, x, x.clone());
  assert.equal(reports.length, 1 + 4 + 4); // x, 4 weights, 4 biases
  assertAllBelow(reports, "Autoencoder(dropout 0.4)");
});

test("the dropout gradient check fails when backward ignores the mask", () => {
  const model = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], activation: "sigmoid", init: "xavier", dropout: 0.4, dtype: "float64", seed: 2 });
  const layers = [...model.encoder.layers, ...model.decoder.layers];
  fixMasks(layers);
  // A wrong backward: dX = dOut, as if no unit had been dropped or scaled.
  dropouts(layers)[0].backward = (dOut: Matrix) => dOut.clone();
  const x = randomMatrix(9, 6, new Rng(12));
  const worst = Math.max(...checkModelGradients(model, x, x.clone()).map((r) => r.relError));
  assert.ok(worst > 1e-2, `an ignored mask went unnoticed (${worst})`);
});
