// Lab 2D's comparison of Lab 2A's checkpoints (base, L2, dropout): each one analysed the
// same way (test-set codes and reconstructions saved as an NPZ, a UMAP of the codes, the
// scores of both), then tabulated side by side. Not for training: the models come from 2A.
// The analyses run side by side on worker threads (checkpoint_jobs.ts).
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { checkpointPath, processedPath, projectPath } from "../paths";
import { loadAutoencoder, readCheckpointMetadata } from "../io/checkpoint";
import { liveLine, LiveLine } from "../train/progress";
import { runJobs } from "../parallel/job_threads";
import { perClassMean } from "./processed";
import type { UmapOptions } from "./umap";
import { CheckpointAnalysis } from "./checkpoint_analysis";
import { CHECKPOINT_JOB_HANDLER, CheckpointJob, CheckpointJobResult, UmapEpochReport } from "./checkpoint_jobs";
import { matrixOf } from "../parallel/cloned_matrix";

export { analyseCheckpoint } from "./checkpoint_analysis";
export type { CheckpointAnalysis } from "./checkpoint_analysis";

/** A model Lab 2D compares: its name in tables and charts, its checkpoint, the NPZ its processed test set goes to. */
export interface ComparedModel {
  name: string;
  checkpoint: string;
  npz: string;
}

/**
 * Lab 2A's three checkpoints for `dataset`, base first: `_best` (or `base`), `_best_reg`
 * (L2) and `_best_dropout`, with their NPZ files `ae_<dataset>_test_processed_{base,reg,dropout}.npz`.
 */
export function comparedModels(
  dataset: string,
  base: string | null = null,
  models = projectPath("saved_models"),
  outputs = projectPath("outputs"),
): ComparedModel[] {
  const model = (name: string, pick: string, suffix: string, file: string | null = null): ComparedModel => ({
    name,
    checkpoint: file ?? checkpointPath(dataset, pick, models),
    npz: processedPath(dataset, suffix, outputs),
  });
  return [model("base", "best", "base", base), model("L2", "best_reg", "reg"), model("dropout", "best_dropout", "dropout")];
}

/**
 * analyseCheckpoint for each model, `threads` at a time on worker threads (default
 * NNFS_THREADS, else every core; 1: one after the other, here), with a UMAP progress line
 * per model. Results in the models' order.
 */
export function analyseCheckpoints(
  models: readonly ComparedModel[],
  x: Matrix,
  y: Int32Array,
  dataset: string,
  umap: Omit<UmapOptions, "progress" | "onEpoch">,
  options: { threads?: number; progress?: boolean } = {},
): CheckpointAnalysis[] {
  const jobs: CheckpointJob[] = models.map((m) => ({ name: m.name, checkpoint: m.checkpoint, npz: m.npz, dataset, umap }));
  const lines = new Map<number, LiveLine>();
  const lineOf = (i: number): LiveLine | null => {
    if (options.progress === false) return null;
    if (!lines.has(i)) lines.set(i, liveLine(`UMAP (${jobs[i].name})`));
    return lines.get(i)!;
  };
  const results = runJobs<CheckpointJob, CheckpointJobResult>({
    handler: CHECKPOINT_JOB_HANDLER,
    context: { x, y },
    jobs,
    threads: options.threads,
    onReport: (i, report) => {
      const { epoch, total, msPerEpoch } = report as UmapEpochReport;
      lineOf(i)?.update(`epoch ${epoch}/${total} | ${msPerEpoch.toFixed(0)} ms/epoch, ETA ${Math.round((msPerEpoch * (total - epoch)) / 1000)} s`);
    },
    onResult: (i, r) => lineOf(i)?.finish(`${r.umap.epochs} epochs; ${r.umap.seconds.total.toFixed(1)} s in all`),
  });
  return results.map((r, i) => ({
    name: jobs[i].name,
    checkpoint: jobs[i].checkpoint,
    model: loadAutoencoder(jobs[i].checkpoint),
    processed: { ...r.processed, Z: matrixOf(r.processed.Z), Yhat: matrixOf(r.processed.Yhat) },
    umap: { ...r.umap, embedding: matrixOf(r.umap.embedding) },
    reconstruction: r.reconstruction,
    embedding: r.embedding,
  }));
}

/** One row per model: its network, test reconstruction scores and the kNN accuracy of its codes. */
export function comparisonRows(results: readonly CheckpointAnalysis[]): Array<Record<string, string | number>> {
  return results.map((r) => ({
    model: r.name,
    network: readCheckpointMetadata(r.checkpoint).description ?? "",
    "test MSE": r.reconstruction.mse,
    RMSE: r.reconstruction.rmse,
    "PSNR (dB)": r.reconstruction.psnr,
    "5-NN accuracy on codes": r.embedding.knnAccuracyLatent,
    "5-NN accuracy in 2-D": r.embedding.knnAccuracy2d,
    "trustworthiness (k=15)": r.embedding.trustworthiness,
    "UMAP seconds": r.umap.seconds.total,
  }));
}

/** Mean per-image reconstruction MSE of each class (rows) under each model (columns). */
export function perClassErrorRows(results: readonly CheckpointAnalysis[], classNames: readonly string[]): Array<Record<string, string | number>> {
  const means = results.map((r) => perClassMean(r.processed.mse, r.processed.y, classNames.length));
  return classNames.map((name, c) => ({ class: name, ...Object.fromEntries(results.map((r, m) => [r.name, means[m][c]])) }));
}

/**
 * A sentence comparing each model's test MSE with the first one's (the base), e.g.
 * "Test MSE: base 0.00850; L2 0.00912 (+7.3 % vs base); dropout 0.00990 (+16.5 % vs base)."
 */
export function mseComparison(results: readonly CheckpointAnalysis[]): string {
  if (results.length === 0) throw new ShapeError("mseComparison: no models to compare");
  const [base, ...others] = results;
  const relative = (mse: number): string => {
    const change = (100 * (mse - base.reconstruction.mse)) / base.reconstruction.mse;
    return `${change >= 0 ? "+" : "−"}${Math.abs(change).toFixed(1)} % vs ${base.name}`;
  };
  const parts = [
    `${base.name} ${base.reconstruction.mse.toFixed(5)}`,
    ...others.map((r) => `${r.name} ${r.reconstruction.mse.toFixed(5)} (${relative(r.reconstruction.mse)})`),
  ];
  return `Test MSE: ${parts.join("; ")}.`;
}
