// Lab 2B's product: a trained autoencoder applied to the test set, kept as an NPZ that
// the later labs read instead of the checkpoint: latent codes Z, reconstructions Yhat,
// per-image MSE, labels and the dataset's name.
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import type { Autoencoder } from "../models/autoencoder";
import { loadNpz, npzMatrix, saveNpz } from "../io/npz";

export interface ProcessedTestSet {
  /** Latent codes (N, K). */
  Z: Matrix;
  /** Reconstructions (N, pixels), clamped to [0, 1]. */
  Yhat: Matrix;
  /** Per-image reconstruction MSE (N), from the clamped reconstructions. */
  mse: Float32Array;
  /** Labels (N). */
  y: Int32Array;
  dataset: string;
}

/**
 * Runs the model (eval mode) over the images.
 * @param source where the model came from (its checkpoint), named in errors
 */
export function processTestSet(model: Autoencoder, x: Matrix, y: Int32Array, dataset: string, source = "the model"): ProcessedTestSet {
  if (x.cols !== model.config.inputDim) {
    throw new DataError(
      `${source}: the model takes ${model.config.inputDim} pixels per image but the ${dataset} images have ${x.cols}; use a checkpoint trained on ${dataset}`,
    );
  }
  if (y.length !== x.rows) throw new DataError(`${x.rows} images but ${y.length} labels`);
  const Z = model.encode(x);
  const Yhat = model.reconstruct(x);
  const mse = new Float32Array(x.rows);
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.min(1, Math.max(0, Yhat.data[i * d + j]));
      Yhat.data[i * d + j] = v;
      sum += (v - x.data[i * d + j]) ** 2;
    }
    mse[i] = sum / d;
  }
  return { Z, Yhat, mse, y: y.slice(), dataset };
}

export function saveProcessed(file: string, p: ProcessedTestSet): void {
  saveNpz(file, { Z: p.Z, Yhat: p.Yhat, mse: p.mse, y: p.y, dataset: p.dataset });
}

/** Reads what saveProcessed wrote, checking that the arrays fit together. */
export function loadProcessed(file: string, producer = "notebooks/03-ae-process-test.ipynb"): ProcessedTestSet {
  const arrays = loadNpz(file, producer);
  const Z = npzMatrix(arrays, "Z", file);
  const Yhat = npzMatrix(arrays, "Yhat", file);
  const { mse, y, dataset } = arrays;
  if (!(mse?.data instanceof Float32Array) || !(y?.data instanceof Int32Array) || !Array.isArray(dataset?.data)) {
    throw new DataError(`${file}: expected float32 mse, int32 y and a dataset name; was it written by ${producer}?`);
  }
  const n = Z.rows;
  if (Yhat.rows !== n || mse.data.length !== n || y.data.length !== n) {
    throw new DataError(`${file}: Z, Yhat, mse and y disagree on the number of images (${n}, ${Yhat.rows}, ${mse.data.length}, ${y.data.length})`);
  }
  return { Z, Yhat, mse: mse.data, y: y.data, dataset: dataset.data[0] };
}

/** Mean of values per class 0..classes-1 (NaN for a class with no example). */
export function perClassMean(values: ArrayLike<number>, labels: Int32Array, classes: number): number[] {
  const sums = new Array<number>(classes).fill(0);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    sums[labels[i]] += values[i];
    counts[labels[i]]++;
  }
  return sums.map((s, c) => (counts[c] === 0 ? NaN : s / counts[c]));
}

/** Indices of the `count` largest values, largest first. */
export function largest(values: ArrayLike<number>, count: number): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  return Int32Array.from(order.slice(0, count));
}
