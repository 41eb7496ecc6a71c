// The autoencoder grid search: every config gets a row, a diverging run is recorded and
// the search goes on, the best run is the one with the lowest validation MSE.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { AeGridRun, AeRunConfig, Matrix, Rng, bestRun, engineVersion, gridResultsTable, progressText, runAeGrid, saveCsv, SPIKE_LIMIT, worstSpike } from "../src";
import { tempDir } from "./support/temp";

function images(n: number, seed: number): Matrix {
  // Low-rank "images": 16 pixels driven by 2 hidden factors, so a latent of 2 can fit them.
  const rng = new Rng(seed);
  const x = new Matrix(n, 16);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform();
    const b = rng.uniform();
    for (let j = 0; j < 16; j++) x.set(i, j, (a * Math.sin(j) + b * Math.cos(j) + 2) / 4);
  }
  return x;
}

const base: AeRunConfig = { inputDim: 16, encDims: [8, 2], decDims: [8], lr: 2, batchSize: 16, weightDecay: 0, epochs: 15, patience: 3, seed: 1 };

test("a diverging run is recorded, the others complete, the best is found", () => {
  // A linear output lets a huge learning rate blow the loss up (a sigmoid would saturate).
  const configs: AeRunConfig[] = [base, { ...base, lr: 1e7, outputActivation: "linear" }, { ...base, useBatchNorm: true }, { ...base, weightDecay: 1e-3 }];
  const runs = runAeGrid(configs, images(256, 1), images(64, 2), { progress: false });
  assert.deepEqual(runs.map((r) => r.row.status), ["ok", "diverged", "ok", "ok"]);
  const diverged = runs[1];
  assert.equal(diverged.model, null);
  assert.match(diverged.row.note, /^16-8-2-8-16 relu lr 10000000 wd 0: training diverged (at epoch \d+, batch \d+ of 16: loss is (NaN|Infinity)|in epoch \d+: fc\d\.\w+ holds NaN or Infinity)/);
  for (const r of [runs[0], runs[2], runs[3]]) {
    assert.ok(r.model && r.history);
    assert.equal(r.row.bestValRecon, r.history!.valMetric[r.row.bestEpoch! - 1]);
    assert.ok(r.row.bestValRecon! < 0.05, `run ${r.row.run}: ${r.row.bestValRecon}`);
  }
  const best = bestRun(runs)!;
  assert.equal(best.row.bestValRecon, Math.min(...[0, 2, 3].map((i) => runs[i].row.bestValRecon!)));
  assert.equal(bestRun(runs, (r) => r.config.weightDecay > 0), runs[3]);
  assert.equal(bestRun(runs, () => false), null);
});

test("the results table has one row per run and saves as CSV", () => {
  const runs = runAeGrid([base, { ...base, encDims: [8, 3] }], images(128, 3), images(32, 4), { progress: false });
  const table = gridResultsTable(runs);
  assert.equal(table.numRows(), 2);
  assert.deepEqual(table.columnNames().slice(0, 4), ["run", "encDims", "decDims", "latent"]);
  const file = path.join(tempDir("nnfs-grid-"), "results.csv");
  saveCsv(table, file);
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^1,8-2,8,2,relu,false,2,0,ok,\d+,\d+,0\.\d+/);
  assert.match(lines[2], /^2,8-3,8,3,/);
});

test("the progress line shows epoch, losses and the remaining time", () => {
  const text = progressText(20, { metricName: "mse", epoch: [1, 2], trainLoss: [0.1, 0.05], trainMetric: [0.1, 0.05], valLoss: [0.2, 0.04], valMetric: [0.2, 0.0412], seconds: [1.5, 2.5], lr: [1, 1] });
  assert.equal(text, "epoch 2/20 | train mse 0.0500 val mse 0.0412 | 2.0 s/epoch, ETA ≤ 36 s");
});

test("a run is unstable when its validation MSE jumps above twice its best so far", () => {
  assert.equal(worstSpike([0.03, 0.02, 0.018]), 1);
  assert.equal(worstSpike([0.03, 0.02, 0.05, 0.01]), 2.5);
  assert.ok(Math.abs(worstSpike([0.021, 0.018, 0.02, 0.0146, 0.0387]) - 0.0387 / 0.0146) < 1e-12);
  assert.equal(worstSpike([]), 1);
  assert.equal(SPIKE_LIMIT, 2);
});

/** What must match between a resumed and an uninterrupted grid: rows (less the wall time), curves and weights. */
function outcome(runs: AeGridRun[]): unknown {
  return runs.map((r) => ({
    row: { ...r.row, trainSeconds: 0 },
    history: r.history === null ? null : { ...r.history, seconds: [] },
    weights: r.model === null ? null : [...r.model.params(), ...r.model.buffers()].map((p) => Array.from(p.value.data)),
  }));
}

test("with a cache folder, a re-run after an interruption reuses finished runs and ends the same", (t) => {
  const train = images(192, 5);
  const val = images(48, 6);
  const configs: AeRunConfig[] = [{ ...base, epochs: 4 }, { ...base, lr: 1e7, outputActivation: "linear", epochs: 4 }, { ...base, useBatchNorm: true, epochs: 4 }];
  const reference = runAeGrid(configs, train, val, { progress: false });
  const dir = tempDir("nnfs-grid-cache-");
  // "Interrupted" after two runs: only they were kept.
  runAeGrid(configs.slice(0, 2), train, val, { progress: false, cache: { dir } });
  const resumed = runAeGrid(configs, train, val, { progress: false, cache: { dir } });
  assert.deepEqual(resumed.map((r) => r.reused), [true, true, false]);
  assert.equal(resumed[1].row.status, "diverged", "a diverged run is kept too");
  assert.deepEqual(outcome(resumed), outcome(reference));
  // A third execution reuses everything; fresh trains everything again, to the same result.
  const again = runAeGrid(configs, train, val, { progress: false, cache: { dir } });
  assert.deepEqual(again.map((r) => r.reused), [true, true, true]);
  assert.deepEqual(again.map((r) => r.row), resumed.map((r) => r.row), "the kept rows, training time included");
  const fresh = runAeGrid(configs, train, val, { progress: false, cache: { dir, fresh: true } });
  assert.deepEqual(fresh.map((r) => r.reused), [false, false, false]);
  assert.deepEqual(outcome(fresh), outcome(reference));
  // Other data, or another config, is another key: nothing reused.
  const otherData = runAeGrid(configs.slice(0, 1), images(192, 7), val, { progress: false, cache: { dir } });
  const otherConfig = runAeGrid([{ ...configs[0], seed: 2 }], train, val, { progress: false, cache: { dir } });
  assert.deepEqual([otherData[0].reused, otherConfig[0].reused], [false, false]);
  // A damaged kept run is reported and trained again, not trusted.
  const [engineDir] = fs.readdirSync(dir);
  for (const name of fs.readdirSync(path.join(dir, engineDir)).filter((f) => f.endsWith(".safetensors"))) {
    const file = path.join(dir, engineDir, name);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 1;
    fs.writeFileSync(file, bytes);
  }
  const warn = t.mock.method(console, "warn", () => undefined);
  const repaired = runAeGrid(configs, train, val, { progress: false, cache: { dir } });
  assert.deepEqual(repaired.map((r) => r.reused), [false, true, false]);
  assert.ok(warn.mock.calls.some((c) => /could not be read, training it again: .*does not match the SHA-256/.test(String(c.arguments[0]))));
  assert.deepEqual(outcome(repaired), outcome(reference));
});

test("the cache keeps one folder per engine version and removes older ones", () => {
  const dir = tempDir("nnfs-grid-cache-");
  fs.mkdirSync(path.join(dir, "engine-0000000000000000"));
  fs.writeFileSync(path.join(dir, "engine-0000000000000000", "old.safetensors"), "x");
  fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
  runAeGrid([{ ...base, epochs: 1 }], images(64, 1), images(16, 2), { progress: false, cache: { dir } });
  assert.deepEqual(fs.readdirSync(dir).sort(), [`engine-${engineVersion().slice(0, 16)}`, "notes.txt"]);
});
