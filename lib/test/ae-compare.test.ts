// Lab 2D's tables: which checkpoints it compares, the per-model row (codes' kNN accuracy
// included), the per-class mean error, and the sentence on test MSE.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import {
  Autoencoder,
  CheckpointAnalysis,
  Matrix,
  Rng,
  analyseCheckpoints,
  comparedModels,
  comparisonRows,
  io,
  loadProcessed,
  mseComparison,
  perClassErrorRows,
} from "../src";
import { tempDir } from "./support/temp";

/** What the tables read of an analysis; the rest (model, UMAP layout) is not needed. */
function analysis(name: string, checkpoint: string, mse: number, perImage: number[], y: number[], knnLatent = 0.8): CheckpointAnalysis {
  return {
    name,
    checkpoint,
    processed: { mse: Float32Array.from(perImage), y: Int32Array.from(y) },
    reconstruction: { mse, rmse: Math.sqrt(mse), psnr: 10 * Math.log10(1 / mse) },
    embedding: { trustworthiness: 0.97, knnAccuracy2d: 0.7, knnAccuracyLatent: knnLatent },
    umap: { seconds: { total: 1.5 } },
  } as unknown as CheckpointAnalysis;
}

test("Lab 2D compares Lab 2A's base, L2 and dropout checkpoints, each with its own NPZ", () => {
  const models = comparedModels("fashion", null, "/m", "/o");
  assert.deepEqual(models, [
    { name: "base", checkpoint: "/m/ae_fashion_best.safetensors", npz: "/o/ae_fashion_test_processed_base.npz" },
    { name: "L2", checkpoint: "/m/ae_fashion_best_reg.safetensors", npz: "/o/ae_fashion_test_processed_reg.npz" },
    { name: "dropout", checkpoint: "/m/ae_fashion_best_dropout.safetensors", npz: "/o/ae_fashion_test_processed_dropout.npz" },
  ]);
  assert.equal(comparedModels("mnist", "/x/mine.safetensors")[0].checkpoint, "/x/mine.safetensors");
  assert.match(comparedModels("mnist")[2].checkpoint, /saved_models[/\\]ae_mnist_best_dropout\.safetensors$/);
});

test("the comparison row names the network and reports the kNN accuracy of the codes", () => {
  const file = path.join(tempDir("nnfs-compare-"), "ae.safetensors");
  io.saveAutoencoder(new Autoencoder({ inputDim: 4, encDims: [2], decDims: [], dropout: 0.1 }), file, { description: "4-2-4 relu lr 1 wd 0 dropout 0.1" });
  const [row] = comparisonRows([analysis("dropout", file, 0.01, [0.01], [0], 0.83)]);
  assert.equal(row.model, "dropout");
  assert.equal(row.network, "4-2-4 relu lr 1 wd 0 dropout 0.1");
  assert.equal(row["test MSE"], 0.01);
  assert.equal(row["5-NN accuracy on codes"], 0.83);
  assert.equal(row["5-NN accuracy in 2-D"], 0.7);
});

test("the per-class table holds each class's mean error under each model", () => {
  const y = [0, 1, 0, 2, 1];
  const rows = perClassErrorRows([analysis("base", "", 0, [1, 2, 3, 4, 6], y), analysis("dropout", "", 0, [2, 2, 2, 8, 0], y)], ["shirt", "bag", "boot"]);
  assert.deepEqual(rows, [
    { class: "shirt", base: 2, dropout: 2 },
    { class: "bag", base: 4, dropout: 1 },
    { class: "boot", base: 4, dropout: 8 },
  ]);
});

test("the sentence gives every test MSE and its change from the base", () => {
  const results = [analysis("base", "", 0.01, [], []), analysis("L2", "", 0.011, [], []), analysis("dropout", "", 0.009, [], [])];
  assert.equal(mseComparison(results), "Test MSE: base 0.01000; L2 0.01100 (+10.0 % vs base); dropout 0.00900 (−10.0 % vs base).");
  assert.equal(mseComparison(results.slice(0, 1)), "Test MSE: base 0.01000.");
  assert.throws(() => mseComparison([]), /no models to compare/);
});

test("the checkpoints analysed on worker threads give the analyses, NPZ files and model of one thread", () => {
  const dir = tempDir("nnfs-compare-");
  const rng = new Rng(3);
  const n = 240;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = new Matrix(n, 16);
  for (let i = 0; i < n; i++) for (let j = 0; j < 16; j++) x.set(i, j, Math.min(1, Math.max(0, 0.5 + 0.3 * Math.sin(j + 2 * y[i]) + 0.05 * rng.normal())));
  const models = ["base", "L2", "dropout"].map((name, s) => {
    const checkpoint = path.join(dir, `${name}.safetensors`);
    io.saveAutoencoder(new Autoencoder({ inputDim: 16, encDims: [8, 4], decDims: [8], seed: s }), checkpoint);
    return { name, checkpoint, npz: path.join(dir, `${name}.npz`) };
  });
  const umap = { nNeighbors: 10, nEpochs: 30, seed: 0 };
  const here = analyseCheckpoints(models, x, y, "toy", umap, { threads: 1, progress: false });
  // The arrays each NPZ holds (its bytes carry the time it was written).
  const arrays = (file: string) => {
    const p = loadProcessed(file);
    return [p.Z.data, p.Yhat.data, p.mse, p.y, p.dataset];
  };
  const npzHere = models.map((m) => arrays(m.npz));
  const threaded = analyseCheckpoints(models, x, y, "toy", umap, { threads: 2, progress: false });
  models.forEach((m, i) => {
    assert.deepEqual(arrays(m.npz), npzHere[i], `${m.name}: the same NPZ`);
    const [a, b] = [threaded[i], here[i]];
    assert.equal(a.name, m.name);
    assert.ok(a.processed.Z instanceof Matrix && a.umap.embedding instanceof Matrix, "matrices again, not their copied fields");
    assert.deepEqual(a.processed.Z.data, b.processed.Z.data);
    assert.deepEqual(a.processed.Yhat.data, b.processed.Yhat.data);
    assert.deepEqual(a.processed.mse, b.processed.mse);
    assert.deepEqual(a.umap.embedding.data, b.umap.embedding.data);
    assert.deepEqual(a.reconstruction, b.reconstruction);
    assert.deepEqual(a.embedding, b.embedding);
    assert.deepEqual(a.model.encode(x).data, b.processed.Z.data, "the model is the checkpoint's");
  });
  assert.notDeepEqual(threaded[0].umap.embedding.data, threaded[1].umap.embedding.data, "each model its own analysis");
});
