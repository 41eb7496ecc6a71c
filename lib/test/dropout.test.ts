// Dropout: inverted scaling in training, the identity in eval, masks that repeat with the
// seed and are reused by backward, a gradient check with a fixed mask, and the same
// numbers whichever backend runs (the layer uses no kernel).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, Dropout, Linear, Matrix, ReLU, Classifier, Rng, kernels } from "../src";
import { checkLayerGradients, randomMatrix } from "../src/testing/gradcheck";
import type { DType } from "../src";

function filled(rows: number, cols: number, value: number, dtype: DType): Matrix {
  const m = new Matrix(rows, cols, dtype);
  m.data.fill(value);
  return m;
}

test("Dropout refuses p outside [0, 1) with a ConfigError naming p", () => {
  for (const p of [-0.1, 1, 1.5, NaN, Infinity, "0.5" as unknown as number]) {
    assert.throws(
      () => new Dropout(p),
      (e: unknown) => e instanceof ConfigError && /^Dropout p must be a number in \[0, 1\)/.test(e.message),
      String(p),
    );
  }
  assert.throws(() => new Dropout(0.5, { seed: 0.5 }), ConfigError);
});

test("Dropout is the identity in eval mode and for p = 0, in float32 and float64", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = randomMatrix(7, 5, new Rng(1));
    const input = dtype === "float64" ? x : new Matrix(7, 5, Float32Array.from(x.data));
    for (const [p, training] of [
      [0.5, false],
      [0, true],
      [0, false],
    ] as const) {
      const layer = new Dropout(p, { seed: 2 });
      const y = layer.forward(input, { training });
      assert.deepEqual(y.data, input.data, `${dtype} p=${p} training=${training}`);
      assert.notEqual(y, input, "the output is the layer's own buffer");
      const dOut = randomMatrix(7, 5, new Rng(3));
      const dOutTyped = dtype === "float64" ? dOut : new Matrix(7, 5, Float32Array.from(dOut.data));
      assert.deepEqual(layer.backward(dOutTyped).data, dOutTyped.data);
    }
  }
});

test("training keeps each input with probability 1 − p and scales survivors by 1/(1 − p)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const p = 0.3;
    const layer = new Dropout(p, { seed: 4 });
    const x = filled(200, 50, 1, dtype);
    const y = layer.forward(x, { training: true });
    const scale = dtype === "float64" ? 1 / (1 - p) : Math.fround(1 / (1 - p));
    let dropped = 0;
    let sum = 0;
    for (const v of y.data) {
      assert.ok(v === 0 || v === scale, `${dtype}: entry ${v} is neither 0 nor 1/(1 − p)`);
      if (v === 0) dropped++;
      sum += v;
    }
    const n = y.data.length;
    // 10,000 Bernoulli(0.3) draws: standard deviation of the fraction ≈ 0.0046.
    assert.ok(Math.abs(dropped / n - p) < 0.02, `${dtype}: dropped fraction ${dropped / n}, expected ${p}`);
    // Inverted dropout keeps the expectation: the mean output of ones is ≈ 1.
    assert.ok(Math.abs(sum / n - 1) < 0.03, `${dtype}: mean output ${sum / n}, expected ≈ 1`);
  }
});

test("backward multiplies by the mask of the last forward", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const layer = new Dropout(0.5, { seed: 5 });
    const mask = layer.forward(filled(6, 8, 1, dtype), { training: true }).clone(); // ones in → the mask out
    const dOut = randomMatrix(6, 8, new Rng(6));
    const typed = dtype === "float64" ? dOut : new Matrix(6, 8, Float32Array.from(dOut.data));
    const dX = layer.backward(typed);
    const round = dtype === "float64" ? (v: number): number => v : Math.fround;
    dX.data.forEach((v, i) => assert.equal(v, round(typed.data[i] * mask.data[i]), `${dtype}[${i}]`));
    assert.ok(mask.data.some((v) => v === 0) && mask.data.some((v) => v !== 0));
  }
  assert.throws(() => new Dropout(0.5).backward(new Matrix(2, 2)), /backward\(\) called before forward\(\)/);
});

test("masks repeat with the seed, change from batch to batch and between seeds", () => {
  const x = filled(10, 10, 1, "float32");
  const run = (seed: number): Float32Array[] => {
    const layer = new Dropout(0.5, { seed });
    return [0, 1, 2].map(() => layer.forward(x, { training: true }).data.slice() as Float32Array);
  };
  const a = run(7);
  assert.deepEqual(run(7), a);
  assert.notDeepEqual(a[1], a[0]);
  assert.notDeepEqual(run(8)[0], a[0]);
});

test("Dropout backward matches finite differences with the mask held fixed (float64)", () => {
  const layer = new Dropout(0.4, { seed: 9 });
  const x = randomMatrix(6, 5, new Rng(10));
  layer.forward(x, { training: true }); // draw the mask the check will hold
  layer.keepMask = true;
  const reports = checkLayerGradients(layer, x, true);
  assert.deepEqual(
    reports.map((r) => r.name),
    ["x"],
  );
  assert.ok(reports[0].relError < 1e-6, `relative error ${reports[0].relError}`);
  // Without the fixed mask every perturbed forward draws a new one: finite differences fail.
  const fresh = new Dropout(0.4, { seed: 9 });
  assert.ok(checkLayerGradients(fresh, x, true)[0].relError > 1e-2, "a new mask per forward must break the check");
  // keepMask refuses a batch of another shape instead of reading past the mask.
  assert.throws(() => layer.forward(randomMatrix(3, 5, new Rng(1)), { training: true }), /keepMask needs the shape of the last batch/);
});

test("a network with Dropout gives the same numbers on every available backend", () => {
  const before = kernels.backendStatus().name;
  const outputs: Array<{ name: string; out: Float64Array; dX: Float64Array }> = [];
  try {
    for (const name of Object.keys(kernels.availableBackends()) as Array<"blas" | "wasm" | "js">) {
      kernels.useBackend(name);
      const layer = new Dropout(0.5, { seed: 11 });
      const x = randomMatrix(4, 6, new Rng(12));
      const out = layer.forward(x, { training: true }).data.slice() as Float64Array;
      const dX = layer.backward(randomMatrix(4, 6, new Rng(13))).data.slice() as Float64Array;
      outputs.push({ name, out, dX });
    }
  } finally {
    kernels.useBackend(before);
  }
  assert.ok(outputs.length >= 1);
  for (const o of outputs.slice(1)) {
    assert.deepEqual(o.out, outputs[0].out, `${o.name} vs ${outputs[0].name}`);
    assert.deepEqual(o.dX, outputs[0].dX, `${o.name} vs ${outputs[0].name}`);
  }
  // And it trains inside a network: Linear → ReLU → Dropout → Linear in a Classifier.
  const rng = new Rng(14);
  const net = new Classifier([
    new Linear(3, 8, { init: "he", rng, name: "fc0" }),
    new ReLU(),
    new Dropout(0.2, { seed: 15 }),
    new Linear(8, 2, { init: "he", rng, name: "fc1" }),
  ]);
  const x = new Matrix(4, 3, Float32Array.from(randomMatrix(4, 3, rng).data));
  const out = net.forward(x, { training: true });
  assert.equal(out.shape, "(4, 2)");
  assert.deepEqual(net.forward(x, { training: false }).data, net.forward(x, { training: false }).data);
});
