// One of Lab 2D's analyses: a checkpoint's test-set codes and reconstructions saved as an NPZ,
// a UMAP of the codes, and the scores of both. Runs on any thread (checkpoint_jobs.ts).
import { Matrix } from "../tensor";
import { loadAutoencoder } from "../io/checkpoint";
import type { Autoencoder } from "../models/autoencoder";
import { reconstructionScores, ReconstructionScores } from "../train/metrics";
import { processTestSet, saveProcessed, ProcessedTestSet } from "./processed";
import { runUmap, UmapOptions, UmapResult } from "./umap";
import { embeddingScores, EmbeddingScores } from "./embedding_metrics";

export interface CheckpointAnalysis {
  name: string;
  /** The file the model was loaded from. */
  checkpoint: string;
  model: Autoencoder;
  processed: ProcessedTestSet;
  umap: UmapResult;
  reconstruction: ReconstructionScores;
  embedding: EmbeddingScores;
}

/**
 * Loads `checkpoint`, processes the test images into `npzFile`, embeds the codes with
 * UMAP and scores both. `name` labels the progress line (unless `umap` says otherwise) and the result.
 */
export function analyseCheckpoint(
  name: string,
  checkpoint: string,
  x: Matrix,
  y: Int32Array,
  dataset: string,
  npzFile: string,
  umap: UmapOptions,
): CheckpointAnalysis {
  const model = loadAutoencoder(checkpoint);
  const processed = processTestSet(model, x, y, dataset, checkpoint);
  saveProcessed(npzFile, processed);
  const embedded = runUmap(processed.Z, { progress: `UMAP (${name})`, ...umap });
  return {
    name,
    checkpoint,
    model,
    processed,
    umap: embedded,
    reconstruction: reconstructionScores(x, processed.Yhat),
    embedding: embeddingScores(processed.Z, embedded.embedding, y),
  };
}
