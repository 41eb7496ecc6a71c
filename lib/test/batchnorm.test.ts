// BatchNorm1d: training uses batch statistics, eval uses running ones, and the running
// update follows running := m·running + (1 − m)·batch, checked on hand-computed values.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertAllClose } from "./support/close";
import { BatchNorm1d, Matrix } from "../src";

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-12): void => assertAllClose(actual, expected, tol, "batchnorm");

// Column 0 = [1, 2, 3, 6]: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5.
// Column 1 = [0, 0, 4, 4]: mean 2, variance 4.
const x = Matrix.fromRows(
  [
    [1, 0],
    [2, 0],
    [3, 4],
    [6, 4],
  ],
  "float64",
);

test("training mode normalises with the batch mean and biased variance", () => {
  const bn = new BatchNorm1d(2, { dtype: "float64", eps: 1e-5 });
  const y = bn.forward(x, { training: true });
  const s0 = Math.sqrt(3.5 + 1e-5);
  const s1 = Math.sqrt(4 + 1e-5);
  close(y.data, [-2 / s0, -2 / s1, -1 / s0, -2 / s1, 0, 2 / s1, 3 / s0, 2 / s1]);
});

test("running statistics follow running := m·running + (1 − m)·batch", () => {
  const bn = new BatchNorm1d(2, { dtype: "float64", momentum: 0.8 });
  bn.forward(x, { training: true });
  // From mean 0 / var 1: 0.8·0 + 0.2·3 = 0.6, 0.8·0 + 0.2·2 = 0.4; 0.8·1 + 0.2·3.5 = 1.5, 0.8·1 + 0.2·4 = 1.6.
  close(bn.runningMean.value.data, [0.6, 0.4]);
  close(bn.runningVar.value.data, [1.5, 1.6]);
  bn.forward(x, { training: true });
  close(bn.runningMean.value.data, [0.8 * 0.6 + 0.2 * 3, 0.8 * 0.4 + 0.2 * 2]);
  close(bn.runningVar.value.data, [0.8 * 1.5 + 0.2 * 3.5, 0.8 * 1.6 + 0.2 * 4]);
});

test("eval mode uses the running statistics and leaves them unchanged", () => {
  const bn = new BatchNorm1d(2, { dtype: "float64", eps: 1e-5 });
  bn.runningMean.value.data.set([1, -1]);
  bn.runningVar.value.data.set([4, 0.25]);
  bn.gamma.value.data.set([2, 3]);
  bn.beta.value.data.set([0.5, -0.5]);
  const y = bn.forward(Matrix.fromRows([[3, 0]], "float64"), { training: false });
  close(y.data, [2 * (2 / Math.sqrt(4 + 1e-5)) + 0.5, 3 * (1 / Math.sqrt(0.25 + 1e-5)) - 0.5]);
  close(bn.runningMean.value.data, [1, -1]);
  close(bn.runningVar.value.data, [4, 0.25]);
});

test("training and eval outputs differ until the running stats match the batch", () => {
  const bn = new BatchNorm1d(2, { dtype: "float64", momentum: 0.5 });
  // clone(): a layer's output buffer is overwritten by its next forward.
  const train = bn.forward(x, { training: true }).clone();
  const evalBefore = bn.forward(x, { training: false }).clone();
  assert.ok(Math.abs(train.data[0] - evalBefore.data[0]) > 0.1);
  for (let i = 0; i < 60; i++) bn.forward(x, { training: true });
  const evalAfter = bn.forward(x, { training: false }).clone();
  close(evalAfter.data, Array.from(bn.forward(x, { training: true }).data), 1e-9);
});

test("a batch of one row in training mode is refused with a clear error", () => {
  const bn = new BatchNorm1d(2);
  assert.throws(() => bn.forward(new Matrix(1, 2), { training: true }), /at least 2 rows/);
  assert.doesNotThrow(() => bn.forward(new Matrix(1, 2), { training: false }));
});

test("backward before forward says so", () => {
  assert.throws(() => new BatchNorm1d(2).backward(new Matrix(2, 2)), /backward\(\) called before forward\(\)/);
});
