// Momentum (classical, Nesterov), RMSProp and Adam/AdamW against references computed in
// this file: first steps in closed form, a few steps by the textbook formulas in float64,
// (torch.optim's own updates: optimizers-torch.test.ts). Then: they train with fit, and a saved/loaded state continues a run bit for bit.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertAllClose } from "./support/close";
import { Adam, Autoencoder, ConfigError, Matrix, Momentum, RMSProp, Rng, MLPClassifier, evaluate, fit, io, makeParam, makeSpirals } from "../src";
import type { Optimizer, OptimizerState, Param } from "../src";
import { takeSamples } from "../src/data/dataset";
import { tempDir } from "./support/temp";
import * as path from "path";

type Stateful = Optimizer & { state(): OptimizerState; loadState(state: OptimizerState): void };

// A weight w (decayed) and a bias b (not decayed), and three steps of gradients.
const W0 = [0.5, -1.2];
const B0 = [0.3];
const GRADS: number[][][] = [
  [[0.1, -0.4], [0.25]],
  [[-0.3, 0.2], [-0.05]],
  [[0.05, 0.6], [0.15]],
];
const DECAY = [true, false];

function tinyParams(dtype: "float32" | "float64" = "float64"): Param[] {
  return [makeParam("w", Matrix.fromValues(1, 2, W0, dtype), true), makeParam("b", Matrix.fromValues(1, 1, B0, dtype), false)];
}

/** Steps `optimizer` through `grads` and returns the final param values. */
function runSteps(optimizer: Optimizer, params: Param[], grads: number[][][]): number[][] {
  for (const step of grads) {
    params.forEach((p, k) => p.grad.data.set(step[k]));
    optimizer.step(params);
  }
  return params.map((p) => [...p.value.data]);
}

/** A reference update rule on one param: (w, g per step, decay) → w after the steps. */
type Reference = (w: number[], grads: number[][], decay: boolean) => number[];

function momentumRef(lr: number, mu: number, nesterov: boolean, dampening: number, wd: number): Reference {
  return (w0, grads, decay) =>
    w0.map((w, i) => {
      let v = NaN;
      grads.forEach((step, t) => {
        const g = step[i] + (decay ? wd : 0) * w;
        v = t === 0 ? g : mu * v + (1 - dampening) * g;
        w = w - lr * (nesterov ? g + mu * v : v);
      });
      return w;
    });
}

function rmspropRef(lr: number, alpha: number, eps: number, wd: number): Reference {
  return (w0, grads, decay) =>
    w0.map((w, i) => {
      let s = 0;
      for (const step of grads) {
        const g = step[i] + (decay ? wd : 0) * w;
        s = alpha * s + (1 - alpha) * g * g;
        w = w - (lr * g) / (Math.sqrt(s) + eps);
      }
      return w;
    });
}

function adamRef(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean): Reference {
  return (w0, grads, decay) =>
    w0.map((w, i) => {
      let m = 0;
      let v = 0;
      grads.forEach((step, k) => {
        const t = k + 1;
        const lambda = decay ? wd : 0;
        if (decoupled) w = w - lr * lambda * w;
        const g = step[i] + (decoupled ? 0 : lambda * w);
        m = b1 * m + (1 - b1) * g;
        v = b2 * v + (1 - b2) * g * g;
        const mHat = m / (1 - b1 ** t);
        const vHat = v / (1 - b2 ** t);
        w = w - (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
      return w;
    });
}

function assertClose(actual: number[][], expected: number[][], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: params`);
  actual.forEach((row, k) => assertAllClose(row, expected[k], tolerance, `${what}: param ${k}`));
}

const CASES: Array<{ what: string; make: () => Optimizer; ref: Reference }> = [
  { what: "Momentum", make: () => new Momentum({ lr: 0.1, momentum: 0.9, weightDecay: 0.05 }), ref: momentumRef(0.1, 0.9, false, 0, 0.05) },
  {
    what: "Momentum with dampening",
    make: () => new Momentum({ lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.05 }),
    ref: momentumRef(0.1, 0.8, false, 0.3, 0.05),
  },
  { what: "Nesterov", make: () => new Momentum({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05 }), ref: momentumRef(0.1, 0.9, true, 0, 0.05) },
  { what: "RMSProp", make: () => new RMSProp({ lr: 0.01, alpha: 0.9, eps: 1e-3, weightDecay: 0.05 }), ref: rmspropRef(0.01, 0.9, 1e-3, 0.05) },
  { what: "Adam", make: () => new Adam({ lr: 0.01, beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.05 }), ref: adamRef(0.01, 0.8, 0.9, 1e-3, 0.05, false) },
  {
    what: "AdamW",
    make: () => new Adam({ lr: 0.01, beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.5, decoupled: true }),
    ref: adamRef(0.01, 0.8, 0.9, 1e-3, 0.5, true),
  },
];

test("first steps match their closed forms (float64)", () => {
  const [g, gb] = GRADS[0];
  const [g2] = GRADS[1];
  const lr = 0.1;
  const mu = 0.9;
  // Classical, no decay: w1 = w0 − lr·g1, w2 = w1 − lr·(μ·g1 + g2).
  const classical = runSteps(new Momentum({ lr, momentum: mu }), tinyParams(), GRADS.slice(0, 2));
  assertClose(
    classical,
    [W0.map((w, i) => w - lr * g[i] - lr * (mu * g[i] + g2[i])), [B0[0] - lr * gb[0] - lr * (mu * gb[0] + GRADS[1][1][0])]],
    1e-15,
    "classical",
  );
  // Nesterov: w1 = w0 − lr·(1 + μ)·g1, w2 = w1 − lr·(g2 + μ·(μ·g1 + g2)).
  const nesterov = runSteps(new Momentum({ lr, momentum: mu, nesterov: true }), tinyParams(), GRADS.slice(0, 2));
  assertClose([nesterov[0]], [W0.map((w, i) => w - lr * (1 + mu) * g[i] - lr * (g2[i] + mu * (mu * g[i] + g2[i])))], 1e-15, "nesterov");
  // Adam's first step is lr·g/(|g| + eps) whatever β1, β2: the bias correction undoes the zero start.
  const adam = runSteps(new Adam({ lr: 0.01, eps: 1e-3 }), tinyParams(), GRADS.slice(0, 1));
  assertClose(adam, [W0.map((w, i) => w - (0.01 * g[i]) / (Math.abs(g[i]) + 1e-3)), [B0[0] - (0.01 * gb[0]) / (Math.abs(gb[0]) + 1e-3)]], 1e-15, "adam");
  // RMSProp's first step: lr·g/(√(1 − α)·|g| + eps).
  const rms = runSteps(new RMSProp({ lr: 0.01, alpha: 0.9, eps: 1e-3 }), tinyParams(), GRADS.slice(0, 1));
  assertClose([rms[0]], [W0.map((w, i) => w - (0.01 * g[i]) / (Math.sqrt(0.1) * Math.abs(g[i]) + 1e-3))], 1e-15, "rmsprop");
  // AdamW's first step shrinks w by lr·λ first and leaves b (no decay) alone.
  const adamw = runSteps(new Adam({ lr: 0.01, eps: 1e-3, weightDecay: 0.5, decoupled: true }), tinyParams(), GRADS.slice(0, 1));
  assertClose(
    adamw,
    [W0.map((w, i) => w * (1 - 0.01 * 0.5) - (0.01 * g[i]) / (Math.abs(g[i]) + 1e-3)), [B0[0] - (0.01 * gb[0]) / (Math.abs(gb[0]) + 1e-3)]],
    1e-15,
    "adamw",
  );
});

test("three steps match the textbook formulas in float64, decay on weights only", () => {
  for (const { what, make, ref } of CASES) {
    const actual = runSteps(make(), tinyParams(), GRADS);
    const expected = [W0, B0].map((w0, k) =>
      ref(
        w0,
        GRADS.map((s) => s[k]),
        DECAY[k],
      ),
    );
    assertClose(actual, expected, 1e-14, what);
  }
});

test("float32 params keep float32 state and follow the float64 reference to float32 precision", () => {
  for (const { what, make, ref } of CASES) {
    const optimizer = make() as Stateful;
    const actual = runSteps(optimizer, tinyParams("float32"), GRADS);
    const expected = [W0, B0].map((w0, k) =>
      ref(
        w0,
        GRADS.map((s) => s[k]),
        DECAY[k],
      ),
    );
    assertClose(actual, expected, 1e-6, `${what} float32`);
    for (const [key, value] of Object.entries(optimizer.state())) {
      if (typeof value !== "number") assert.ok(value instanceof Float32Array, `${what}: ${key} is ${value.constructor.name}`);
    }
  }
});

test("options are checked with ConfigErrors that name the field", () => {
  assert.throws(() => new Momentum({ lr: 0.1, momentum: 1 }), /momentum must be a number in \[0, 1\)/);
  assert.throws(() => new Momentum({ lr: 0.1, momentum: 0, nesterov: true }), /Nesterov momentum needs momentum > 0 and dampening 0/);
  assert.throws(() => new Momentum({ lr: 0.1, nesterov: true, dampening: 0.1 }), ConfigError);
  assert.throws(() => new RMSProp({ lr: -1 }), /lr must be a finite number > 0/);
  assert.throws(() => new RMSProp({ eps: 0 }), /eps must be a finite number > 0/);
  assert.throws(() => new Adam({ beta2: 1 }), /beta2 must be a number in \[0, 1\)/);
  assert.throws(() => new Adam({ weightDecay: -0.1 }), /weightDecay must be a finite number >= 0/);
  assert.throws(() => new Adam({ betas: [0.9, 0.99] } as never), /Adam options has no field "betas"/);
  // One optimiser per model: a step with other params is refused, not silently misapplied.
  const adam = new Adam();
  runSteps(adam, tinyParams(), GRADS.slice(0, 1));
  assert.throws(() => adam.step([tinyParams()[0]]), /step got 1 params but its state is for 2/);
  assert.throws(() => adam.loadState({ step: 1, "velocity/0/w": new Float64Array(2) }), /unexpected key "velocity\/0\/w"/);
  assert.throws(() => adam.loadState({ step: 1, "exp_avg/0/w": new Float64Array(2) }), /exp_avg_sq\/0\/w is missing/);
  assert.throws(() => adam.loadState({ "exp_avg/0/w": new Float64Array(2), "exp_avg_sq/0/w": new Float64Array(2) }), /step must be an integer >= 0/);
});

test("fit trains with each optimiser given as an object", () => {
  const data = makeSpirals({ pointsPerClass: 20, classes: 3, seed: 1 });
  for (const make of [
    () => new Momentum({ lr: 0.05 }),
    () => new RMSProp({ lr: 0.005 }),
    () => new Adam({ lr: 0.01, weightDecay: 1e-4 }),
    () => new Adam({ lr: 0.01, weightDecay: 1e-2, decoupled: true }),
  ]) {
    const optimizer = make();
    const model = new MLPClassifier({ inputDim: 2, hiddenDims: [16], numClasses: 3, seed: 2 });
    const before = evaluate(model, data).loss;
    const history = fit(model, data, { epochs: 30, batchSize: 20, optimizer, seed: 3 });
    const after = evaluate(model, data).loss;
    assert.ok(after < before * 0.8, `${optimizer.constructor.name}: loss ${before} → ${after}`);
    assert.ok(history.trainLoss.every(Number.isFinite));
  }
});

test("a cosine schedule with Adam: history.lr is the schedule, and the params are those of stepping by hand at those lrs", () => {
  const data = makeSpirals({ pointsPerClass: 20, classes: 3, seed: 1 }); // 60 rows: 3 batches of 20
  const make = (): MLPClassifier => new MLPClassifier({ inputDim: 2, hiddenDims: [8], numClasses: 3, seed: 2 });
  const epochs = 4;
  const expectedLr = [0, 1, 2, 3].map((e) => (0.01 * (1 + Math.cos((Math.PI * e) / epochs))) / 2); // 0.01, 0.00854, 0.005, 0.00146
  const adam = new Adam({ lr: 0.01 });
  const model = make();
  const history = fit(model, data, { epochs, batchSize: 20, optimizer: adam, lrSchedule: "cosine", seed: 3 });
  assert.deepEqual(history.lr, expectedLr);
  assert.equal(adam.lr, 0.01, "fit puts the optimiser's own lr back");

  const byHand = make();
  const handAdam = new Adam({ lr: 0.01 });
  const rng = new Rng(3);
  for (const lr of expectedLr) {
    handAdam.lr = lr;
    const order = rng.permutation(60);
    for (let start = 0; start < 60; start += 20) {
      const batch = takeSamples(data, order, start, start + 20);
      byHand.backwardParams(byHand.loss(byHand.forward(batch.x, { training: true }), batch.y).grad);
      handAdam.step(byHand.params());
    }
  }
  model.params().forEach((p, i) => assert.deepEqual(p.value.data, byHand.params()[i].value.data, p.name));
  // And a constant lr would have ended elsewhere: the schedule did change the steps.
  const constant = make();
  fit(constant, data, { epochs, batchSize: 20, optimizer: new Adam({ lr: 0.01 }), seed: 3 });
  assert.notDeepEqual(constant.params()[0].value.data, model.params()[0].value.data);
});

test("N + M steps equal N steps, a save and a load into a fresh model and optimiser, then M steps, bit for bit", () => {
  const rng = new Rng(31);
  const x = new Matrix(32, 6);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
  const config = { inputDim: 6, encDims: [5, 2], decDims: [5], useBatchNorm: true, seed: 32 };
  const train = (model: Autoencoder, optimizer: Optimizer, from: number, to: number): void => {
    for (let s = from; s < to; s++) {
      const rows = x.data.subarray((s % 4) * 48, (s % 4) * 48 + 48); // batches of 8 rows
      const batch = new Matrix(8, 6, Float32Array.from(rows));
      const out = model.forward(batch, { training: true });
      model.backwardParams(model.loss(out, batch).grad);
      optimizer.step(model.params());
    }
  };
  const dir = tempDir("nnfs-optim-");
  for (const make of [
    () => new Momentum({ lr: 0.1, nesterov: true, weightDecay: 1e-3 }),
    () => new RMSProp({ lr: 0.01, weightDecay: 1e-3 }),
    () => new Adam({ lr: 0.01, weightDecay: 1e-2, decoupled: true }),
  ] as Array<() => Stateful>) {
    const straight = new Autoencoder(config);
    train(straight, make(), 0, 7);

    const first = new Autoencoder(config);
    const firstOptimizer = make();
    train(first, firstOptimizer, 0, 3);
    // The model through its checkpoint file; the optimiser state through a safetensors
    // encoding (float32 buffers as tensors, counters as metadata).
    const file = path.join(dir, `${firstOptimizer.constructor.name}.safetensors`);
    io.saveAutoencoder(first, file);
    const state = firstOptimizer.state();
    const tensors = Object.entries(state).flatMap(([name, value]) =>
      typeof value === "number" ? [] : [{ name, shape: [value.length], data: value as Float32Array }],
    );
    const counters = Object.fromEntries(Object.entries(state).flatMap(([name, value]) => (typeof value === "number" ? [[name, String(value)]] : [])));
    const decoded = io.decodeSafetensors(io.encodeSafetensors(tensors, counters), "optimizer state");
    const loaded: OptimizerState = {};
    for (const [name, t] of decoded.tensors) loaded[name] = t.data;
    for (const name of Object.keys(counters)) loaded[name] = Number(decoded.metadata[name]);

    const resumed = io.loadAutoencoder(file);
    const resumedOptimizer = make();
    resumedOptimizer.loadState(loaded);
    train(resumed, resumedOptimizer, 3, 7);
    const what = firstOptimizer.constructor.name;
    const resumedState = [...resumed.params(), ...resumed.buffers()];
    [...straight.params(), ...straight.buffers()].forEach((p, k) => assert.deepEqual(resumedState[k].value.data, p.value.data, `${what}: ${p.name}`));
    // And without the state the resumed run differs: the test can tell.
    const cold = io.loadAutoencoder(file);
    train(cold, make(), 3, 7);
    assert.notDeepEqual(cold.params()[0].value.data, straight.params()[0].value.data, `${what}: a fresh state must not match`);
  }
});
