// The autoencoder grid search: every config gets a row, a diverging run is recorded and
// the search goes on, the best run is the one with the lowest validation MSE.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import {
  AeGridRow,
  AeGridRun,
  AeRunConfig,
  Dropout,
  Matrix,
  Rng,
  bestRun,
  engineVersion,
  evaluate,
  gridPicks,
  gridResultsTable,
  progressText,
  runAeGrid,
  saveCsv,
  SPIKE_LIMIT,
  worstSpike,
} from "../src";
import { GridCache } from "../src/train/grid_cache";
import type { BackendStatus } from "../src/kernels/backend";
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
  assert.deepEqual(
    runs.map((r) => r.row.status),
    ["ok", "diverged", "ok", "ok"],
  );
  const diverged = runs[1];
  assert.equal(diverged.model, null);
  assert.match(
    diverged.row.note,
    /^16-8-2-8-16 relu lr 10000000 wd 0: training diverged (at epoch \d+, batch \d+ of 16: loss is (NaN|Infinity)|in epoch \d+: fc\d\.\w+ holds NaN or Infinity)/,
  );
  for (const r of [runs[0], runs[2], runs[3]]) {
    assert.ok(r.model && r.history);
    assert.equal(r.row.bestValRecon, r.history!.valMetric[r.row.bestEpoch! - 1]);
    assert.ok(r.row.bestValRecon! < 0.05, `run ${r.row.run}: ${r.row.bestValRecon}`);
  }
  const best = bestRun(runs)!;
  assert.equal(best.row.bestValRecon, Math.min(...[0, 2, 3].map((i) => runs[i].row.bestValRecon!)));
  assert.equal(
    bestRun(runs, (r) => r.config.weightDecay > 0),
    runs[3],
  );
  assert.equal(
    bestRun(runs, () => false),
    null,
  );
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
  assert.equal(
    lines[0],
    "run,encDims,decDims,latent,activation,batchNorm,lr,weightDecay,dropout,status,bestEpoch,epochsRun,bestValRecon,worstSpike,stable,trainSeconds,note",
  );
  assert.match(lines[1], /^1,8-2,8,2,relu,false,2,0,0,ok,\d+,\d+,0\.\d+/);
  assert.match(lines[2], /^2,8-3,8,3,/);
});

test("the progress line shows epoch, losses and the remaining time", () => {
  const text = progressText(20, {
    metricName: "mse",
    epoch: [1, 2],
    trainLoss: [0.1, 0.05],
    trainMetric: [0.1, 0.05],
    valLoss: [0.2, 0.04],
    valMetric: [0.2, 0.0412],
    seconds: [1.5, 2.5],
    lr: [1, 1],
  });
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
  const configs: AeRunConfig[] = [
    { ...base, epochs: 4 },
    { ...base, lr: 1e7, outputActivation: "linear", epochs: 4 },
    { ...base, useBatchNorm: true, epochs: 4 },
  ];
  const reference = runAeGrid(configs, train, val, { progress: false });
  const dir = tempDir("nnfs-grid-cache-");
  // "Interrupted" after two runs: only they were kept.
  runAeGrid(configs.slice(0, 2), train, val, { progress: false, cache: { dir } });
  const resumed = runAeGrid(configs, train, val, { progress: false, cache: { dir } });
  assert.deepEqual(
    resumed.map((r) => r.reused),
    [true, true, false],
  );
  assert.equal(resumed[1].row.status, "diverged", "a diverged run is kept too");
  assert.deepEqual(outcome(resumed), outcome(reference));
  // A third execution reuses everything; fresh trains everything again, to the same result.
  const again = runAeGrid(configs, train, val, { progress: false, cache: { dir } });
  assert.deepEqual(
    again.map((r) => r.reused),
    [true, true, true],
  );
  assert.deepEqual(
    again.map((r) => r.row),
    resumed.map((r) => r.row),
    "the kept rows, training time included",
  );
  const fresh = runAeGrid(configs, train, val, { progress: false, cache: { dir, fresh: true } });
  assert.deepEqual(
    fresh.map((r) => r.reused),
    [false, false, false],
  );
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
  assert.deepEqual(
    repaired.map((r) => r.reused),
    [false, true, false],
  );
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

test("a dropout run trains with Dropout layers, repeats exactly, and its rate is in the row and the CSV", () => {
  const configs: AeRunConfig[] = [
    { ...base, epochs: 3 },
    { ...base, epochs: 3, dropout: 0.1 },
  ];
  const [plain, dropped] = runAeGrid(configs, images(128, 3), images(32, 4), { progress: false });
  assert.deepEqual([plain.row.dropout, dropped.row.dropout], [0, 0.1]);
  const layers = [...dropped.model!.encoder.layers, ...dropped.model!.decoder.layers];
  assert.equal(layers.filter((l) => l instanceof Dropout).length, 3);
  assert.notEqual(dropped.row.bestValRecon, plain.row.bestValRecon);
  const again = runAeGrid([configs[1]], images(128, 3), images(32, 4), { progress: false });
  assert.equal(again[0].row.bestValRecon, dropped.row.bestValRecon, "the masks come from the seed");
  const csv = gridResultsTable([plain, dropped]).toCSV().split("\n");
  assert.match(csv[2], /^2,8-2,8,2,relu,false,2,0,0\.1,ok,/);
  // A row kept before the column existed has no dropout: it reads as 0, in its place.
  const { dropout, ...older } = plain.row;
  assert.equal(dropout, 0);
  const table = gridResultsTable([{ ...plain, row: older as AeGridRow }]);
  assert.deepEqual(table.columnNames().slice(7, 10), ["weightDecay", "dropout", "status"]);
  assert.equal(table.get("dropout", 0), 0);
});

/** A finished run as the picks see it: its config, validation MSE and stability. */
function finished(run: number, config: Partial<AeRunConfig>, bestValRecon: number, stable: boolean): AeGridRun {
  const row = { run, status: "ok", bestValRecon, stable } as AeGridRow;
  return { row, config: { ...base, ...config }, model: null, history: null, reused: false };
}

test("the dropout pick is the best stable run with dropout > 0, like the L2 one", () => {
  const runs = [
    finished(1, {}, 0.01, true), // the best overall, no dropout
    finished(2, { dropout: 0.1 }, 0.011, false), // the best dropout run, unstable
    finished(3, { dropout: 0.2 }, 0.014, true),
    finished(4, { dropout: 0.3 }, 0.013, true),
    finished(5, { weightDecay: 1e-4 }, 0.012, true),
  ];
  const picks = gridPicks(runs);
  assert.deepEqual(Object.keys(picks), ["best", "best_reg", "best_dropout", "k32"]);
  assert.equal(picks.best?.row.run, 1);
  assert.equal(picks.best_reg?.row.run, 5);
  assert.equal(picks.best_dropout?.row.run, 4);
  assert.equal(gridPicks(runs.slice(0, 2)).best_dropout, null, "no stable dropout run: no pick");
});

test("the cache key includes dropout; absent and 0 are the same run", () => {
  const dir = tempDir("nnfs-grid-cache-");
  const cache = new GridCache({ dir }, images(16, 1), images(8, 2));
  const { dropout: _, ...withoutDropout } = { ...base, dropout: 0 };
  assert.equal(cache.key({ ...base, dropout: 0 }), cache.key(withoutDropout));
  assert.notEqual(cache.key({ ...base, dropout: 0.1 }), cache.key(base));
  assert.notEqual(cache.key({ ...base, dropout: 0.1 }), cache.key({ ...base, dropout: 0.2 }));
  // A run kept without the dropout field (before the column existed) reads as dropout 0.
  const key = cache.key(base);
  const engineDir = path.join(dir, `engine-${engineVersion().slice(0, 16)}`);
  fs.mkdirSync(engineDir, { recursive: true });
  const { dropout, ...older } = finished(1, {}, 0.01, true).row;
  assert.equal(dropout, undefined);
  fs.writeFileSync(path.join(engineDir, `${key}.json`), JSON.stringify({ row: { ...older, status: "diverged" } }));
  assert.equal(cache.find(base)?.row.dropout, 0);
});

test("the cache key includes the BLAS library's version, not only its kernel", () => {
  const cache = new GridCache({ dir: tempDir("nnfs-grid-cache-") }, images(16, 1), images(8, 2));
  // The module object itself, so that backendStatus can stand in another library for one call.
  const kernels = require("../src/kernels/backend") as { backendStatus: () => BackendStatus };
  const real = kernels.backendStatus;
  const as = (version: string): string => {
    kernels.backendStatus = () => ({ ...real(), name: "blas", kernel: { core: "Haswell", source: "user", note: "" }, library: { source: "system", version } });
    try {
      return cache.key(base);
    } finally {
      kernels.backendStatus = real;
    }
  };
  assert.notEqual(as("0.3.21"), as("0.3.34.481.3"));
  assert.equal(as("0.3.21"), as("0.3.21"));
});

test("runs on worker threads give the rows, histories and models of one thread", () => {
  const configs: AeRunConfig[] = [
    base,
    { ...base, lr: 1e7, outputActivation: "linear" },
    { ...base, useBatchNorm: true },
    { ...base, dropout: 0.2, epochs: 6 },
    { ...base, encDims: [12, 2], decDims: [12], weightDecay: 1e-3 },
  ];
  const train = images(256, 5);
  const val = images(64, 6);
  const here = runAeGrid(configs, train, val, { progress: false, threads: 1 });
  const threaded = runAeGrid(configs, train, val, { progress: false, threads: 2 });
  const timeless = (r: AeGridRun) => ({ ...r.row, trainSeconds: 0, history: r.history && { ...r.history, seconds: [] } });
  assert.deepEqual(threaded.map(timeless), here.map(timeless));
  assert.equal(threaded[1].model, null, "the diverged run has no model");
  threaded.forEach((r, i) => {
    if (r.model === null) return;
    const mine = [...r.model.params(), ...r.model.buffers()];
    const theirs = [...here[i].model!.params(), ...here[i].model!.buffers()];
    assert.deepEqual(
      mine.map((p) => p.name),
      theirs.map((p) => p.name),
    );
    mine.forEach((p, k) => assert.deepEqual(p.value.data, theirs[k].value.data, `run ${i + 1}: ${p.name}`));
    assert.deepEqual(r.model.reconstruct(val).data, here[i].model!.reconstruct(val).data, `run ${i + 1} reconstructs the same`);
    // The model that came back is the one that was trained: it scores its best epoch's validation MSE.
    assert.equal(evaluate(r.model, { x: val, y: val }).metric, r.row.bestValRecon, `run ${i + 1}: the model's validation MSE`);
  });
});
