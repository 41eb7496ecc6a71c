// Every invalid hyper-parameter is refused with a message naming the parameter,
// the value it got and what is allowed.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Autoencoder, ConfigError, MLPClassifier, MLPRegressor, SGD, fit, labsProfile, makeCurve, makeSpirals, trainValSplit } from "../src";

function refuses(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ConfigError && message.test(err.message), `expected ConfigError matching ${message}`);
}

const data = makeCurve({ n: 20 });
const model = (): MLPRegressor => new MLPRegressor({ inputDim: 1, hiddenDims: [4], outputDim: 1 });
const fitWith = (options: Record<string, unknown>): unknown =>
  fit(model(), data, { epochs: 1, batchSize: 4, lr: 0.1, ...options } as Parameters<typeof fit>[2]);

test("learning rate must be a finite number > 0", () => {
  refuses(() => fitWith({ lr: 0 }), /^lr must be a finite number > 0 \(got 0\)$/);
  refuses(() => fitWith({ lr: -0.1 }), /^lr must be a finite number > 0 \(got -0.1\)$/);
  refuses(() => fitWith({ lr: NaN }), /^lr must be a finite number > 0 \(got NaN\)$/);
  refuses(() => new SGD({ lr: Infinity }), /^lr must be a finite number > 0 \(got Infinity\)$/);
});

test("batch size and epochs must be integers >= 1", () => {
  refuses(() => fitWith({ batchSize: 0 }), /^batchSize must be an integer >= 1 \(got 0\)$/);
  refuses(() => fitWith({ batchSize: 2.5 }), /^batchSize must be an integer >= 1 \(got 2.5\)$/);
  refuses(() => fitWith({ epochs: 0 }), /^epochs must be an integer >= 1 \(got 0\)$/);
});

test("weight decay must be >= 0", () => {
  refuses(() => fitWith({ weightDecay: -1 }), /^weightDecay must be a finite number >= 0 \(got -1\)$/);
});

test("hidden widths must be a list of integers >= 1 ([] is a linear model)", () => {
  const make = (hiddenDims: unknown) => () => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: hiddenDims as number[] });
  assert.deepEqual(
    make([])().net.layers.map((l) => l.label),
    ["Linear(2 → 3)"],
  );
  refuses(make([64, 1.5]), /^hiddenDims must be a list of integers >= 1, e\.g\. \[64, 64\] \(got \[64, 1\.5\]\)$/);
  refuses(make([64, 1.5]), /hiddenDims .* \(got \[64, 1\.5\]\)$/);
  refuses(make([0]), /hiddenDims .* \(got \[0\]\)$/);
  refuses(make("64"), /hiddenDims .* \(got "64"\)$/);
});

test("unknown activation and init names list the allowed ones", () => {
  refuses(
    () => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: [4], activation: "tanh" as "relu" }),
    /^activation must be one of "relu", "sigmoid" \(got "tanh"\)$/,
  );
  refuses(
    () => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: [4], init: "glorot" as "he" }),
    /^init must be one of "he", "xavier" \(got "glorot"\)$/,
  );
});

test("sizes: inputDim, numClasses and outputDim", () => {
  refuses(() => new MLPClassifier({ inputDim: 0, numClasses: 3, hiddenDims: [4] }), /^inputDim must be an integer >= 1 \(got 0\)$/);
  refuses(() => new MLPClassifier({ inputDim: 2, numClasses: 1, hiddenDims: [4] }), /^numClasses must be an integer >= 2 \(got 1\)$/);
  refuses(() => new MLPRegressor({ inputDim: 2, outputDim: NaN, hiddenDims: [4] }), /^outputDim must be an integer >= 1 \(got NaN\)$/);
});

test("a misspelt option is refused instead of silently ignored", () => {
  refuses(
    () => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: [4], batchNorm: true } as never),
    /options has no field "batchNorm"; known fields: .*useBatchNorm/,
  );
  refuses(() => fitWith({ learningRate: 0.1 }), /fit options has no field "learningRate"/);
});

test("other options: bnMomentum, seeds, splits, datasets, LABS_PROFILE", () => {
  refuses(
    () => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: [4], useBatchNorm: true, bnMomentum: 1 }),
    /^bnMomentum must be a number in \[0, 1\) \(got 1\)$/,
  );
  refuses(() => new MLPClassifier({ inputDim: 2, numClasses: 3, hiddenDims: [4], seed: 0.5 }), /^seed must be a safe integer \(got 0\.5\)$/);
  refuses(() => trainValSplit(data, 1.5, 0), /^valFraction must be a number strictly between 0 and 1 \(got 1\.5\)$/);
  refuses(() => makeSpirals({ classes: 1 }), /^classes must be an integer >= 2 \(got 1\)$/);
  refuses(() => labsProfile({ LABS_PROFILE: "fast" }), /^LABS_PROFILE must be "quick" or "full" \(got "fast"\)$/);
  assert.equal(labsProfile({}), "full");
  assert.equal(labsProfile({ LABS_PROFILE: "quick" }), "quick");
});

test("autoencoder config fields are checked by name", () => {
  refuses(() => new Autoencoder({ encDims: [], decDims: [256] }), /^encDims must be a non-empty list of integers >= 1, e\.g\. \[64, 64\] \(got \[\]\)$/);
  refuses(() => new Autoencoder({ encDims: [256, 128], decDims: [0] }), /^decDims must be a list of integers >= 1/);
  refuses(
    () => new Autoencoder({ encDims: [64], decDims: [], outputActivation: "tanh" as "linear" }),
    /^outputActivation must be one of "sigmoid", "linear" \(got "tanh"\)$/,
  );
  refuses(() => new Autoencoder({ encDims: [64], decDims: [], latent: 3 } as never), /Autoencoder options has no field "latent"/);
  const ae = new Autoencoder({ encDims: [16, 4], decDims: [16] });
  assert.equal(ae.latentDim, 4);
  assert.deepEqual(
    ae.params().map((p) => p.name),
    ["fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"],
  );
});
