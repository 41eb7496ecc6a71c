// The grid cache's engine hash covers what can change a training result and nothing else:
// editing a chart, the grader or an analysis keeps the kept Lab 2A runs; editing a layer,
// a loss, the trainer or a kernel (a worker script too) makes a new key.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineVersion } from "../src";
import { trainingCodeHash, trainingModules } from "../src/train/engine_hash";
import { tempDir } from "./support/temp";

/** The compiled engine these tests run (lib/build/src), as the grid cache hashes it. */
const COMPILED = path.resolve(__dirname, "..", "src");

test("the hashed modules are the training path: layers, losses, optimiser, models, trainer, kernels, tensor, random, init, data", () => {
  const modules = trainingModules(COMPILED);
  for (const m of [
    "layers/linear.js",
    "layers/batchnorm.js",
    "layers/dropout.js",
    "layers/sigmoid.js",
    "losses/mse.js",
    "optim/sgd.js",
    "models/autoencoder.js",
    "train/trainer.js",
    "train/early_stopping.js",
    "train/grid_search.js",
    "kernels/matmul.js",
    "kernels/backends/js_worker.js",
    "kernels/backends/wasm_worker.js",
    "tensor.js",
    "random.js",
    "init.js",
    "data/dataset.js",
  ]) {
    assert.ok(modules.includes(m), `${m} is on the training path but not hashed`);
  }
  for (const m of modules) assert.doesNotMatch(m, /^(plot|exercises|analysis)\/|^train\/progress\.js$/, `${m} cannot change a result`);
  assert.equal(engineVersion(), trainingCodeHash(COMPILED), "the grid cache's key uses this hash");
});

test("changing a chart, the grader or an analysis keeps the key; changing a layer, a loss, the trainer or a worker does not", () => {
  const dir = tempDir("nnfs-engine-hash-");
  fs.cpSync(COMPILED, dir, { recursive: true });
  const before = trainingCodeHash(dir);
  const edit = (rel: string): string => {
    fs.appendFileSync(path.join(dir, rel), "\n// edited\n");
    return trainingCodeHash(dir);
  };
  for (const rel of ["plot/charts.js", "plot/live.js", "train/progress.js", "exercises/checks.js", "analysis/umap.js", "index.js"]) {
    assert.equal(edit(rel), before, `editing ${rel} changed the key`);
  }
  let last = before;
  for (const rel of ["layers/linear.js", "losses/mse.js", "optim/sgd.js", "train/trainer.js", "kernels/backends/wasm_worker.js", "tensor.js"]) {
    const now = edit(rel);
    assert.notEqual(now, last, `editing ${rel} kept the key`);
    last = now;
  }
});
