// Every layer, every loss and a whole network: hand-written backward passes must match
// centred finite differences in float64 to a max relative error below 1e-6.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Autoencoder, BatchNorm1d, Linear, MLPClassifier, MLPRegressor, Matrix, ReLU, Rng, Sigmoid, meanSquaredError, softmaxCrossEntropy } from "../src";
import { checkLayerGradients, checkModelGradients, numericalGradient, randomMatrix, relError, GradientReport } from "../src/testing/gradcheck";

const TOLERANCE = 1e-6;

function assertAllBelow(reports: GradientReport[], what: string): void {
  assert.ok(reports.length > 0);
  for (const r of reports) {
    assert.ok(r.relError < TOLERANCE, `${what}: ${r.name} relative error ${r.relError.toExponential(2)} >= ${TOLERANCE}`);
  }
}

/** Inputs kept at least `margin` away from 0, so no finite-difference step crosses the ReLU kink. */
function awayFromZero(rows: number, cols: number, rng: Rng, margin = 0.05): Matrix {
  const x = randomMatrix(rows, cols, rng);
  for (let i = 0; i < x.data.length; i++) if (Math.abs(x.data[i]) < margin) x.data[i] += x.data[i] < 0 ? -margin : margin;
  return x;
}

test("Linear backward matches finite differences (x, W, b)", () => {
  const rng = new Rng(1);
  const layer = new Linear(5, 4, { init: "he", rng, dtype: "float64" });
  // Non-zero biases so db is not trivially checked at the init value.
  for (let j = 0; j < 4; j++) layer.bias!.value.data[j] = rng.normal();
  const reports = checkLayerGradients(layer, randomMatrix(7, 5, rng), true);
  assert.deepEqual(
    reports.map((r) => r.name),
    ["x", "linear.weight", "linear.bias"],
  );
  assertAllBelow(reports, "Linear");
});

test("ReLU backward matches finite differences", () => {
  assertAllBelow(checkLayerGradients(new ReLU(), awayFromZero(6, 5, new Rng(2)), true), "ReLU");
});

test("Sigmoid backward matches finite differences", () => {
  assertAllBelow(checkLayerGradients(new Sigmoid(), randomMatrix(6, 5, new Rng(3)), true), "Sigmoid");
});

test("BatchNorm1d backward matches finite differences in training and eval mode", () => {
  const rng = new Rng(4);
  for (const training of [true, false]) {
    const bn = new BatchNorm1d(4, { dtype: "float64" });
    for (let j = 0; j < 4; j++) {
      bn.gamma.value.data[j] = 0.5 + rng.uniform();
      bn.beta.value.data[j] = rng.normal();
      bn.runningMean.value.data[j] = rng.normal();
      bn.runningVar.value.data[j] = 0.5 + rng.uniform();
    }
    const reports = checkLayerGradients(bn, randomMatrix(8, 4, rng), training);
    assert.deepEqual(
      reports.map((r) => r.name),
      ["x", "batchnorm.gamma", "batchnorm.beta"],
    );
    assertAllBelow(reports, `BatchNorm1d (training=${training})`);
  }
});

test("softmax cross-entropy gradient matches finite differences", () => {
  const rng = new Rng(5);
  const logits = randomMatrix(6, 4, rng);
  const labels = Int32Array.from([0, 3, 1, 2, 3, 0]);
  const { grad } = softmaxCrossEntropy(logits, labels);
  const numeric = numericalGradient(() => softmaxCrossEntropy(logits, labels).loss, logits);
  const err = relError(grad.data, numeric);
  assert.ok(err < TOLERANCE, `relative error ${err}`);
});

test("MSE gradient matches finite differences", () => {
  const rng = new Rng(6);
  const pred = randomMatrix(5, 3, rng);
  const target = randomMatrix(5, 3, rng);
  const { grad } = meanSquaredError(pred, target);
  const err = relError(
    grad.data,
    numericalGradient(() => meanSquaredError(pred, target).loss, pred),
  );
  assert.ok(err < TOLERANCE, `relative error ${err}`);
});

test("a 2-hidden-layer MLP classifier with BatchNorm: every parameter gradient matches", () => {
  const rng = new Rng(7);
  for (const activation of ["relu", "sigmoid"] as const) {
    const model = new MLPClassifier({ inputDim: 3, hiddenDims: [6, 5], numClasses: 4, activation, useBatchNorm: true, dtype: "float64", seed: 11 });
    const x = randomMatrix(10, 3, rng);
    const y = Int32Array.from({ length: 10 }, (_, i) => i % 4);
    const reports = checkModelGradients(model, x, y);
    // x, then W for 3 Linear layers, b for the output one (hidden ones feed BatchNorm), γ and β for 2 BatchNorms.
    assert.deepEqual(
      reports.map((r) => r.name),
      ["x", "fc0.weight", "bn0.gamma", "bn0.beta", "fc1.weight", "bn1.gamma", "bn1.beta", "fc2.weight", "fc2.bias"],
    );
    assertAllBelow(reports, `MLPClassifier(${activation}, batchNorm)`);
  }
});

test("an MLP regressor without BatchNorm: every parameter gradient matches", () => {
  const rng = new Rng(8);
  const model = new MLPRegressor({ inputDim: 2, hiddenDims: [7, 4], outputDim: 2, activation: "sigmoid", init: "xavier", dtype: "float64", seed: 3 });
  assertAllBelow(checkModelGradients(model, randomMatrix(9, 2, rng), randomMatrix(9, 2, rng)), "MLPRegressor");
});

test("the gradient check fails on a wrong backward", () => {
  // A Sigmoid whose backward is 1% off must be caught.
  class SlightlyWrongSigmoid extends Sigmoid {
    override backward(dOut: Matrix): Matrix {
      const dx = super.backward(dOut);
      for (let i = 0; i < dx.data.length; i++) dx.data[i] *= 1.01;
      return dx;
    }
  }
  const [report] = checkLayerGradients(new SlightlyWrongSigmoid(), randomMatrix(4, 3, new Rng(9)), true);
  assert.ok(report.relError > 1e-3, `a 1% error went unnoticed (${report.relError})`);
});

test("an autoencoder with BatchNorm and a sigmoid output: every parameter gradient matches", () => {
  const rng = new Rng(12);
  const model = new Autoencoder({ inputDim: 6, encDims: [5, 3], decDims: [4], useBatchNorm: true, dtype: "float64", seed: 2 });
  const x = randomMatrix(9, 6, rng);
  // The target is a separate copy: perturbing x must not move the target too.
  const reports = checkModelGradients(model, x, x.clone());
  assert.equal(reports.length, 1 + 4 + 3 * 2 + 1); // x, 4 weights, 3 BatchNorms (γ, β), the output bias
  assertAllBelow(reports, "Autoencoder");
});
