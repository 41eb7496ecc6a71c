// The backends' own float32 loops (element-wise, row gathers, BatchNorm) on the native addon
// and in WebAssembly against the TypeScript ones: the same results within float32 rounding,
// the same refusals. The products themselves are in backends.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { BatchNorm1d, Matrix, Rng, kernels } from "../src";
import { assertAllClose } from "./support/close";
import { missing } from "./support/requirements";

const backends = kernels.availableBackends();

function onBoth<T>(other: kernels.BackendName, fn: () => T): { js: T; blas: T } {
  const before = kernels.backendStatus().name;
  try {
    kernels.useBackend("js");
    const js = fn();
    kernels.useBackend(other);
    const blas = fn();
    return { js, blas };
  } finally {
    kernels.useBackend(before);
  }
}

function float32(values: number[], cols: number): Matrix {
  return Matrix.fromValues(values.length / cols, cols, values, "float32");
}

const assertClose = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void =>
  assertAllClose(a, b, tol, what, { relative: true, nanEqual: true });

test("the native and wasm float32 element-wise kernels agree with the TypeScript loops", (t) => {
  const others = (["blas", "wasm"] as const).filter((b) => backends[b]);
  if (others.length === 0) return missing(t, "the native or the wasm backend", "bash scripts/setup.sh builds both");
  for (const other of others) elementwiseAgree(other);
});

function elementwiseAgree(other: kernels.BackendName): void {
  const rng = new Rng(5);
  // Awkward lengths (not multiples of the SIMD width) and edge values.
  const edge = [0, -0, 1e-30, -1e-30, 88, -88, 100, -100, 1e30, -1e30, NaN];
  const values = [...edge, ...Array.from({ length: 1013 }, () => rng.normal() * 6)];
  const x = float32(values, 1);
  const g = float32(
    values.map(() => rng.normal()),
    1,
  );
  const run = <T>(_what: string, fn: () => T): { js: T; blas: T } => onBoth(other, fn);
  const relu = run("relu", () => Array.from(kernels.relu(x).data));
  assertClose(relu.js, relu.blas, 0, "relu");
  assert.ok(Number.isNaN(relu.js[edge.length - 1]), "relu keeps NaN");
  const y = kernels.sigmoid(x.clone());
  const reluBack = run("reluBackward", () => Array.from(kernels.reluBackward(g, kernels.relu(x)).data));
  assertClose(reluBack.js, reluBack.blas, 0, "reluBackward");
  const sig = run("sigmoid", () => Array.from(kernels.sigmoid(x).data));
  // NOTE: the native exp is a float32 polynomial; values below ~1e-37 saturate to ~1e-38.
  assertClose(sig.js, sig.blas, 5e-7, "sigmoid");
  const sigBack = run("sigmoidBackward", () => Array.from(kernels.sigmoidBackward(g, y).data));
  assertClose(sigBack.js, sigBack.blas, 1e-7, "sigmoidBackward");
  const target = float32(
    values.map(() => rng.uniform()),
    1,
  );
  const finite = float32(
    values.filter((v) => !Number.isNaN(v)).map((v) => Math.max(-50, Math.min(50, v))),
    1,
  );
  const finiteTarget = float32(Array.from(target.data.subarray(0, finite.rows)), 1);
  const mse = run("mse", () => {
    const grad = new Matrix(finite.rows, 1, "float32");
    return { loss: kernels.meanSquaredDiff(finite, finiteTarget, grad), grad: Array.from(grad.data) };
  });
  assertClose([mse.js.loss], [mse.blas.loss], 1e-6, "mse loss");
  assertClose(mse.js.grad, mse.blas.grad, 1e-6, "mse grad");
  const step = float32(Array.from(g.data.subarray(0, finite.rows)), 1);
  const sgd = run("sgdUpdate", () => {
    const p = finite.clone();
    kernels.sgdUpdate(p, step, 0.1, 0.01);
    return Array.from(p.data);
  });
  assertClose(sgd.js, sgd.blas, 1e-6, "sgdUpdate");
  const wide = float32(values.slice(0, 1020), 17);
  const sums = run("sumOverRows", () => Array.from(kernels.sumOverRows(wide).data));
  assertClose(sums.js, sums.blas, 1e-5, "sumOverRows");
  const squares = run("sumOfSquares", () => kernels.sumOfSquares(finite));
  assertClose([squares.js], [squares.blas], 1e-6, `${other} sumOfSquares`);
  const bad = run("firstNonFinite", () => [
    kernels.firstNonFinite(x),
    kernels.firstNonFinite(finite),
    kernels.firstNonFinite(float32([...Array(5000).fill(1), Infinity], 1)),
  ]);
  assert.deepEqual(bad.js, [edge.length - 1, -1, 5000]);
  assert.deepEqual(bad.blas, bad.js);
}

test("gatherRows and fillRows: same rows on both backends, bad indices refused", (t) => {
  const x = Matrix.fromValues(
    5,
    3,
    Array.from({ length: 15 }, (_, i) => i),
    "float32",
  );
  const idx = Int32Array.from([4, 0, 2, 2]);
  const expected = [12, 13, 14, 0, 1, 2, 6, 7, 8];
  for (const name of Object.keys(backends) as kernels.BackendName[]) {
    const before = kernels.backendStatus().name;
    try {
      kernels.useBackend(name);
      assert.deepEqual(Array.from(kernels.gatherRows(x, idx, 0, 3).data), expected, name);
      assert.throws(() => kernels.gatherRows(x, Int32Array.from([5]), 0, 1), /outside/, name);
    } finally {
      kernels.useBackend(before);
    }
  }
  const out = new Matrix(7, 3, "float32");
  kernels.fillRows(out, Matrix.fromRows([[1, 2, 3]]));
  assert.deepEqual(Array.from(out.data), Array(7).fill([1, 2, 3]).flat());
  if (!backends.blas) t.diagnostic("native backend not loaded: gatherRows checked on js only");
});

test("BatchNorm's native and wasm loops agree with the TypeScript ones, in training and eval mode", (t) => {
  const others = (["blas", "wasm"] as const).filter((b) => backends[b]);
  if (others.length === 0) return missing(t, "the native or the wasm backend", "bash scripts/setup.sh builds both");
  const rng = new Rng(8);
  const x = new Matrix(37, 19, "float32");
  const dOut = new Matrix(37, 19, "float32");
  for (let i = 0; i < x.data.length; i++) {
    x.data[i] = rng.normal() * 3 + 1;
    dOut.data[i] = rng.normal();
  }
  for (const training of [true, false]) {
    const run = () => {
      const bn = new BatchNorm1d(19, { name: "bn" });
      bn.gamma.value.data.forEach((_, j) => (bn.gamma.value.data[j] = 0.5 + j / 19));
      bn.forward(x, { training: true }); // running statistics away from their start
      const y = Array.from(bn.forward(x, { training }).data);
      const dX = Array.from(bn.backward(dOut).data);
      return { y, dX, dGamma: Array.from(bn.gamma.grad.data), dBeta: Array.from(bn.beta.grad.data), running: Array.from(bn.runningVar.value.data) };
    };
    for (const other of others) {
      const { js, blas } = onBoth(other, run);
      for (const key of ["y", "dX", "dGamma", "dBeta", "running"] as const) assertClose(js[key], blas[key], 2e-5, `${other} ${key} (training=${training})`);
    }
  }
});
