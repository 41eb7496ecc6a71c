// Losses: values on hand-checked inputs, stability at extreme logits, gradient shape facts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Matrix, meanSquaredError, softmax, softmaxCrossEntropy } from "../src";

test("softmax cross-entropy of uniform logits is log(C)", () => {
  const { loss } = softmaxCrossEntropy(new Matrix(3, 4, "float64"), Int32Array.from([0, 1, 3]));
  assert.ok(Math.abs(loss - Math.log(4)) < 1e-12);
});

test("softmax cross-entropy stays finite for logits of ±1e4 and its gradient rows sum to 0", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const logits = Matrix.fromRows(
      [
        [1e4, -1e4, 0],
        [-1e4, 1e4, 1e4],
        [0, 0, -1e4],
      ],
      dtype,
    );
    const labels = Int32Array.from([1, 0, 2]);
    const { loss, grad } = softmaxCrossEntropy(logits, labels);
    assert.ok(Number.isFinite(loss), `${dtype}: loss ${loss}`);
    // Row 0: log-sum-exp ≈ 1e4, true logit −1e4 → 2e4; row 1: 1e4 + log 2 − (−1e4); row 2: log 2 + 1e4.
    const expected = (2e4 + (2e4 + Math.log(2)) + (1e4 + Math.log(2))) / 3;
    assert.ok(Math.abs(loss - expected) / expected < 1e-6, `${dtype}: ${loss} vs ${expected}`);
    for (let i = 0; i < 3; i++) {
      const row = Array.from(grad.row(i));
      assert.ok(row.every(Number.isFinite));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0)) < 1e-7, `${dtype}: row ${i} sums to ${row}`);
    }
  }
});

test("softmax rows are probabilities even for huge logits", () => {
  const p = softmax(Matrix.fromRows([[1000, 1000, -1000]], "float64"));
  assert.deepEqual(Array.from(p.data), [0.5, 0.5, 0]);
});

test("softmax cross-entropy rejects labels out of range or of the wrong length", () => {
  const logits = new Matrix(2, 3);
  assert.throws(() => softmaxCrossEntropy(logits, Int32Array.from([0, 3])), /labels\[1\] = 3 is not a class index in \[0, 2\]/);
  assert.throws(() => softmaxCrossEntropy(logits, Int32Array.from([0])), /expected 2 labels/);
});

test("MSE averages over every element", () => {
  const pred = Matrix.fromRows(
    [
      [1, 2],
      [3, 4],
    ],
    "float64",
  );
  const target = Matrix.fromRows(
    [
      [1, 0],
      [0, 4],
    ],
    "float64",
  );
  const { loss, grad } = meanSquaredError(pred, target);
  assert.equal(loss, (0 + 4 + 9 + 0) / 4);
  assert.deepEqual(Array.from(grad.data), [0, 1, 1.5, 0]);
  assert.throws(() => meanSquaredError(pred, new Matrix(2, 3, "float64")), /shapes \(2, 2\) and \(2, 3\) differ/);
});
