// Kernels against straightforward reference loops, on awkward shapes too (1×1, odd sizes,
// every transpose combination), plus their shape errors.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Matrix, Rng, kernels } from "../src";

function reference(a: Matrix, b: Matrix, transA: boolean, transB: boolean): Float64Array {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a.get(p, i) : a.get(i, p)) * (transB ? b.get(j, p) : b.get(p, j));
      c[i * n + j] = s;
    }
  return c;
}

function random(rows: number, cols: number, rng: Rng, dtype: "float32" | "float64"): Matrix {
  const m = new Matrix(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

test("gemm matches a reference for all transposes and awkward shapes", () => {
  const rng = new Rng(0);
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 7, 1],
    [3, 1, 5],
    [5, 3, 1],
    [17, 13, 9],
    [33, 65, 31],
    [64, 128, 10],
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = transA ? random(k, m, rng, dtype) : random(m, k, rng, dtype);
          const b = transB ? random(n, k, rng, dtype) : random(k, n, rng, dtype);
          const c = kernels.gemm(a, b, transA, transB);
          assert.equal(c.rows, m);
          assert.equal(c.cols, n);
          const ref = reference(a, b, transA, transB);
          const tol = dtype === "float32" ? 1e-4 * Math.sqrt(k) : 1e-12 * k;
          for (let i = 0; i < ref.length; i++) {
            assert.ok(Math.abs(c.data[i] - ref[i]) <= tol, `${dtype} (${m},${k},${n}) tA=${transA} tB=${transB} [${i}]`);
          }
        }
      }
    }
  }
});

test("matmul wrappers agree with gemm and reuse an output buffer", () => {
  const rng = new Rng(1);
  const x = random(4, 3, rng, "float64");
  const w = random(3, 5, rng, "float64");
  const dy = random(4, 5, rng, "float64");
  const out = new Matrix(4, 5, "float64");
  assert.equal(kernels.matmul(x, w, out), out);
  assert.deepEqual(out.data, kernels.gemm(x, w, false, false).data);
  assert.deepEqual(kernels.matmulTransA(x, dy).data, kernels.gemm(x, dy, true, false).data);
  assert.deepEqual(kernels.matmulTransB(dy, w).data, kernels.gemm(dy, w, false, true).data);
});

test("matmul shape errors name both shapes", () => {
  const a = new Matrix(2, 3);
  assert.throws(() => kernels.matmul(a, new Matrix(4, 5)), /inner dimensions differ for \(2, 3\) · \(4, 5\)/);
  assert.throws(() => kernels.matmulTransB(a, new Matrix(4, 5)), /\(2, 3\) · \(4, 5\)ᵀ/);
  assert.throws(() => kernels.matmul(a, new Matrix(3, 2), new Matrix(3, 3)), /must have shape \(2, 2\), got \(3, 3\)/);
  assert.throws(() => kernels.matmul(a, new Matrix(3, 2, "float64")), /dtypes differ/);
});

test("NaN in an input propagates as NaN rather than throwing", () => {
  const a = Matrix.fromRows(
    [
      [1, NaN],
      [0, 1],
    ],
    "float64",
  );
  const c = kernels.matmul(
    a,
    Matrix.fromRows(
      [
        [1, 2],
        [3, 4],
      ],
      "float64",
    ),
  );
  assert.ok(Number.isNaN(c.get(0, 0)));
  assert.deepEqual(Array.from(c.row(1)), [3, 4]);
});

test("reductions and element-wise kernels", () => {
  const x = Matrix.fromRows(
    [
      [1, -2],
      [3, 4],
      [-5, 0],
    ],
    "float64",
  );
  assert.deepEqual(Array.from(kernels.sumOverRows(x).data), [-1, 2]);
  const { mean, variance } = kernels.columnMeanVariance(x);
  assert.deepEqual(Array.from(mean.data), [-1 / 3, 2 / 3]);
  assert.ok(Math.abs(variance.data[0] - ((4 / 3) ** 2 + (10 / 3) ** 2 + (14 / 3) ** 2) / 3) < 1e-12);
  assert.deepEqual(Array.from(kernels.argmaxRows(x)), [0, 1, 1]);
  assert.deepEqual(Array.from(kernels.relu(x).data), [1, 0, 3, 4, 0, 0]);
  const rows = new Matrix(3, 2, "float64");
  kernels.fillRows(rows, Matrix.fromRows([[10, 20]], "float64"));
  assert.deepEqual(Array.from(rows.data), [10, 20, 10, 20, 10, 20]);
  const s = kernels.sigmoid(Matrix.fromRows([[0, 800, -800]], "float64"));
  assert.deepEqual(Array.from(s.data), [0.5, 1, 0]);
});

test("sgdUpdate applies p −= lr·(g + λ·p)", () => {
  const p = Matrix.fromRows([[1, -2]], "float64");
  kernels.sgdUpdate(p, Matrix.fromRows([[0.5, 0.5]], "float64"), 0.1, 0.01);
  assert.ok(Math.abs(p.data[0] - (1 - 0.1 * (0.5 + 0.01))) < 1e-15);
  assert.ok(Math.abs(p.data[1] - (-2 - 0.1 * (0.5 - 0.02))) < 1e-15);
});
