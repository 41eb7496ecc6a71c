// Synthetic datasets and splits: shapes, seeds, and that no row is lost or repeated.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Matrix, makeCurve, makeSpirals, trainValSplit } from "../src";

test("spirals: K·P points in [-1.x, 1.x]², balanced classes, reproducible", () => {
  const a = makeSpirals({ pointsPerClass: 50, classes: 4, seed: 1 });
  assert.equal(a.x.rows, 200);
  assert.equal(a.x.cols, 2);
  for (let k = 0; k < 4; k++) assert.equal(a.y.filter((c) => c === k).length, 50);
  assert.deepEqual(makeSpirals({ pointsPerClass: 50, classes: 4, seed: 1 }).x.data, a.x.data);
  assert.notDeepEqual(makeSpirals({ pointsPerClass: 50, classes: 4, seed: 2 }).x.data, a.x.data);
  assert.ok(a.x.data.every((v) => Math.abs(v) <= 1.0001));
});

test("curve: x in [-3, 3), noise of the requested size", () => {
  const clean = makeCurve({ n: 100, noise: 0, seed: 1 });
  for (let i = 0; i < 100; i++) {
    const x = clean.x.data[i];
    assert.ok(x >= -3 && x < 3);
    assert.ok(Math.abs(clean.y.data[i] - (Math.sin(2 * x) + 0.3 * x)) < 1e-6);
  }
});

test("trainValSplit keeps every row exactly once, with its target", () => {
  // Row i holds x = i and target i, so lost, repeated or mismatched rows show.
  const n = 60;
  const data = {
    x: Matrix.fromValues(
      n,
      1,
      Array.from({ length: n }, (_, i) => i),
    ),
    y: Int32Array.from({ length: n }, (_, i) => i),
  };
  const { train, val } = trainValSplit(data, 0.25, 9);
  assert.equal(val.x.rows, 15);
  assert.equal(train.x.rows, 45);
  for (const part of [train, val]) assert.deepEqual(Array.from(part.x.data), Array.from(part.y));
  const seen = [...train.y, ...val.y].sort((a, b) => a - b);
  assert.deepEqual(
    seen,
    Array.from({ length: n }, (_, i) => i),
  );
  assert.deepEqual(trainValSplit(data, 0.25, 9).val.y, val.y);
  assert.notDeepEqual(trainValSplit(data, 0.25, 10).val.y, val.y);
});

test("spiral classes never share a point", () => {
  const { x } = makeSpirals({ pointsPerClass: 20, noise: 0, seed: 3 });
  const keys = new Set(Array.from({ length: x.rows }, (_, i) => `${x.get(i, 0)},${x.get(i, 1)}`));
  assert.equal(keys.size, x.rows);
});
