// Lab 2D's checkpoint analyses as jobs for runJobs (parallel/job_threads.ts): each worker
// thread receives the test images once, then processes a checkpoint's test set into its NPZ,
// embeds the codes with UMAP (reporting each epoch) and scores both. The model itself is not
// sent back: the notebook's thread loads it again from its checkpoint.
import type { Matrix } from "../tensor";
import { matrixOf } from "../parallel/cloned_matrix";
import type { JobHandler, JobRunner } from "../parallel/job_protocol";
import type { ReconstructionScores } from "../train/metrics";
import type { ProcessedTestSet } from "./processed";
import type { UmapOptions, UmapResult } from "./umap";
import type { EmbeddingScores } from "./embedding_metrics";
import { analyseCheckpoint } from "./checkpoint_analysis";

export interface CheckpointJob {
  name: string;
  checkpoint: string;
  npz: string;
  dataset: string;
  /** Without progress or onEpoch: the job reports its epochs instead. */
  umap: Omit<UmapOptions, "progress" | "onEpoch">;
}

export interface CheckpointJobContext {
  x: Matrix;
  y: Int32Array;
}

export interface CheckpointJobResult {
  processed: ProcessedTestSet;
  umap: UmapResult;
  reconstruction: ReconstructionScores;
  embedding: EmbeddingScores;
}

/** What a job reports after each UMAP epoch. */
export interface UmapEpochReport {
  epoch: number;
  total: number;
  msPerEpoch: number;
}

export const CHECKPOINT_JOB_HANDLER: JobHandler = { module: __filename, name: "checkpointJobRunner" };

export function checkpointJobRunner(context: CheckpointJobContext): JobRunner<CheckpointJob, CheckpointJobResult> {
  const x = matrixOf(context.x);
  return (job, report) => {
    // Every 10th epoch, as runUmap's own line: each report redraws a line in the notebook.
    let started = 0;
    const onEpoch = (epoch: number, total: number): void => {
      if (epoch === 1) started = performance.now();
      if (epoch % 10 === 0 && epoch < total) report({ epoch, total, msPerEpoch: (performance.now() - started) / (epoch - 1 || 1) } satisfies UmapEpochReport);
    };
    const r = analyseCheckpoint(job.name, job.checkpoint, x, context.y, job.dataset, job.npz, { ...job.umap, progress: undefined, onEpoch });
    return { processed: r.processed, umap: r.umap, reconstruction: r.reconstruction, embedding: r.embedding };
  };
}
