// The UMAP driver and the embedding metrics: exact neighbours, hand-checked
// trustworthiness and kNN accuracy, scikit-learn agreement, and the guard on the
// umap-js internals the driver replaces.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UMAP } from "umap-js";
import { Matrix, Rng, exactKnn, io, knnAccuracy, runUmap, seededRandom, trustworthiness } from "../src";
import { TypedLayout, UmapOptimizationState } from "../src/analysis/umap_layout";
import { tempDir } from "./support/temp";
import { PYTHON, requirePython } from "./support/requirements";

function randomPoints(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const x = new Matrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal() + (Math.floor(i / d) % 3) * 2;
  return x;
}

const line = (values: number[]): Matrix => Matrix.fromValues(values.length, 1, values);

test("exactKnn matches a brute-force search, self first", () => {
  const x = randomPoints(120, 5, 1);
  const { indices, distances } = exactKnn(x, 4);
  for (let i = 0; i < x.rows; i++) {
    const d = Array.from({ length: x.rows }, (_, j) => Math.hypot(...Array.from(x.row(i), (v, c) => v - x.get(j, c))));
    const order = d.map((v, j) => [v, j]).sort((a, b) => a[0] - b[0] || (a[1] === i ? -1 : b[1] === i ? 1 : a[1] - b[1]));
    assert.deepEqual(
      Array.from(indices.subarray(i * 4, i * 4 + 4)),
      order.slice(0, 4).map((o) => o[1]),
      `row ${i}`,
    );
    for (let p = 1; p < 4; p++) assert.ok(Math.abs(distances[i * 4 + p] - order[p][0]) < 1e-4);
  }
});

test("trustworthiness: 1 for a faithful embedding, 7/12 for a hand-worked swap", () => {
  const high = line([0, 1, 3, 6, 10, 15]);
  assert.equal(trustworthiness(high, high, 1), 1);
  // Swap the two ends: points 0 and 5 get each other's place. With k = 1 the violations
  // are 0→4 (rank 4), 1→5 (rank 5) and 5→1 (rank 4): T = 1 − 2/(6·1·8)·(3 + 4 + 3) = 7/12.
  const low = line([15, 1, 3, 6, 10, 0]);
  assert.ok(Math.abs(trustworthiness(high, low, 1) - 7 / 12) < 1e-12);
  assert.throws(() => trustworthiness(high, low, 3), /k must be an integer in \[1, n\/2\)/);
});

test("kNN accuracy: a hand-checked leave-one-out vote", () => {
  // The point at 0.15 is labelled 1 but sits among 0s; everything else is voted right.
  const points = line([0, 0.1, 0.2, 5, 5.1, 5.2, 0.15]);
  assert.equal(knnAccuracy(points, Int32Array.from([0, 0, 0, 1, 1, 1, 1]), 3), 6 / 7);
});

test("trustworthiness agrees with scikit-learn", (t) => {
  if (!requirePython(t, "numpy", "sklearn.manifold")) return;
  const high = randomPoints(300, 8, 2);
  const low = randomPoints(300, 2, 3);
  const file = path.join(tempDir("nnfs-tw-"), "pts.npz");
  io.saveNpz(file, { high, low });
  const script =
    "import sys,numpy as np\nfrom sklearn.manifold import trustworthiness as t\nz=np.load(sys.argv[1])\nprint(t(z['high'],z['low'],n_neighbors=10))";
  const run = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(Math.abs(Number(run.stdout) - trustworthiness(high, low, 10)) < 1e-6, `${run.stdout} vs ${trustworthiness(high, low, 10)}`);
});

/** Stock umap-js on x with exact neighbours, the points only for their count. */
function stockUmap(x: Matrix, nEpochs: number, random: () => number): { umap: UMAP; points: number[][] } {
  const knn = exactKnn(x, 15);
  const rows = (a: Int32Array | Float32Array): number[][] => Array.from({ length: x.rows }, (_, i) => Array.from(a.subarray(i * 15, (i + 1) * 15)));
  const umap = new UMAP({ nNeighbors: 15, minDist: 0.1, nComponents: 2, nEpochs, random });
  umap.setPrecomputedKNN(rows(knn.indices), rows(knn.distances));
  return { umap, points: Array.from({ length: x.rows }, (_, i) => Array.from(x.row(i))) };
}

test("the fast UMAP driver with layout umap-js gives exactly stock umap-js's embedding (guards the replaced internals)", () => {
  const x = randomPoints(400, 6, 4);
  const ours = runUmap(x, { seed: 7, nEpochs: 40, layout: "umap-js" });
  const { umap, points } = stockUmap(x, 40, seededRandom(7));
  const expected = umap.fit(points);
  assert.equal(ours.epochs, 40);
  assert.deepEqual(Array.from(ours.embedding.data), expected.flat().map(Math.fround), "umap-js internals changed: see the NOTE in analysis/umap.ts");
  assert.throws(() => runUmap(x, { layout: "fast" as "typed" }), /layout must be one of "typed", "umap-js" \(got "fast"\)/);
});

test("the typed layout epoch equals umap-js's optimizeLayoutStep from the same state, every epoch", () => {
  // Each epoch: copy umap-js's state, let umap-js take its step while recording its random
  // draws, take the typed step from the copy replaying those draws, compare. (Whole runs
  // cannot be compared: the layout SGD is chaotic, so last-bit differences in d^b grow.)
  const x = randomPoints(400, 6, 4);
  const source = seededRandom(7);
  let draws: number[] = [];
  const { umap, points } = stockUmap(x, 30, () => {
    const v = source();
    draws.push(v);
    return v;
  });
  const epochs = umap.initializeFit(points);
  const state = (umap as unknown as { optimizationState: UmapOptimizationState }).optimizationState;
  for (let e = 0; e < epochs; e++) {
    const rows = state.headEmbedding.map((r) => r.slice());
    const before: UmapOptimizationState = {
      ...state,
      headEmbedding: rows,
      tailEmbedding: rows,
      epochOfNextSample: state.epochOfNextSample.slice(),
      epochOfNextNegativeSample: state.epochOfNextNegativeSample.slice(),
    };
    draws = [];
    umap.step();
    let next = 0;
    const typed = new TypedLayout(before, () => draws[next++]);
    typed.step(e);
    typed.writeBack();
    assert.equal(next, draws.length, `epoch ${e}: same number of negative samples`);
    assert.equal(before.alpha, state.alpha);
    let worst = 0;
    state.headEmbedding.forEach((r, i) => (worst = Math.max(worst, Math.abs(r[0] - rows[i][0]), Math.abs(r[1] - rows[i][1]))));
    assert.ok(worst < 1e-9, `epoch ${e}: typed layout differs from umap-js's by ${worst}: see analysis/umap_layout.ts`);
  }
});

test("UMAP is reproducible from its seed and keeps clusters apart", () => {
  const x = randomPoints(300, 6, 5);
  const a = runUmap(x, { seed: 1, nEpochs: 60 });
  const b = runUmap(x, { seed: 1, nEpochs: 60 });
  assert.deepEqual(a.embedding.data, b.embedding.data);
  assert.notDeepEqual(runUmap(x, { seed: 2, nEpochs: 60 }).embedding.data, a.embedding.data);
  const labels = Int32Array.from({ length: 300 }, (_, i) => i % 3);
  assert.ok(knnAccuracy(a.embedding, labels, 5) > 0.8, "three shifted clusters should stay separable");
  assert.throws(() => runUmap(randomPoints(10, 2, 1)), /needs more points \(10\) than nNeighbors \(15\)/);
  const spoiled = randomPoints(40, 3, 6);
  spoiled.set(7, 2, NaN);
  assert.throws(() => runUmap(spoiled, { nNeighbors: 5 }), /point 7 has NaN in column 2; every coordinate must be finite/);
});
