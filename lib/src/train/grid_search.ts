// Grid search over autoencoder configurations: each run trains with early stopping on
// the validation reconstruction MSE, a run that diverges is recorded and skipped, and
// every run leaves one row of results (the table the lab shows and saves). With a cache
// folder, each finished run is kept on disk and a re-run after an interruption reuses it.
// The runs train side by side on worker threads (grid_jobs.ts), one BLAS thread each.
import { Matrix } from "../tensor";
import { Autoencoder } from "../models/autoencoder";
import { checkKnownKeys } from "../validate";
import type { History } from "../training_history";
import { ProgressLine, progressLine } from "./progress";
import { liveCurves } from "../plot/live";
import { GridCache, GridCacheOptions } from "./grid_cache";
import { AeGridRow, AeRunConfig, describeRun, TRAIN_KEYS } from "./grid_run";
import { GRID_JOB_HANDLER, GridJob, GridJobResult, gridJobCost, modelOfResult } from "./grid_jobs";
import { runJobs } from "../parallel/job_threads";

export { describeRun, worstSpike, SPIKE_LIMIT } from "./grid_run";
export type { AeGridRow, AeRunConfig } from "./grid_run";

export interface AeGridRun {
  row: AeGridRow;
  config: AeRunConfig;
  /** null when the run diverged. */
  model: Autoencoder | null;
  history: History | null;
  /** Whether it was read back from the cache folder (finished before an interruption) rather than trained now. */
  reused: boolean;
}

export interface AeGridOptions {
  /** Print a progress line per run and draw live curves (default true). */
  progress?: boolean;
  /** Keep each finished run in this folder and reuse the ones found there. */
  cache?: GridCacheOptions;
  /** Runs at once, each on its own worker thread; default NNFS_THREADS, else every core. 1: one after the other, here. */
  threads?: number;
}

/**
 * Trains one autoencoder per config on x (inputs are also the targets) and scores it on
 * val. Every model ends with the weights of its best validation epoch.
 * @param train (N, 784) pixels in [0, 1]; @param val (M, 784)
 */
export function runAeGrid(configs: AeRunConfig[], train: Matrix, val: Matrix, options: AeGridOptions = {}): AeGridRun[] {
  configs.forEach((config, i) =>
    checkKnownKeys(`grid config ${i + 1}`, config, [
      ...TRAIN_KEYS,
      "inputDim",
      "encDims",
      "decDims",
      "activation",
      "init",
      "useBatchNorm",
      "bnMomentum",
      "outputActivation",
      "dropout",
      "seed",
      "dtype",
    ]),
  );
  // In a notebook: one chart of every run's validation MSE, redrawn after each epoch.
  const live = options.progress === false ? null : liveCurves("metric", "Validation MSE of each run (dashed: training)");
  const cache = options.cache === undefined ? null : new GridCache<AeGridRow>(options.cache, train, val);
  const show = options.progress !== false;
  const label = (i: number): string => `[${i + 1}/${configs.length}] ${describeRun(configs[i])}`;
  const runs: Array<AeGridRun | null> = configs.map((config, i) => {
    const kept = cache?.find(config) ?? null;
    if (kept === null) return null;
    if (kept.history !== null) live?.update(kept.history, `run ${i + 1}`);
    if (show) console.log(`${label(i)}: reused (finished earlier, ${kept.row.note || `${kept.row.epochsRun} epochs`})`);
    return { ...kept, row: { ...kept.row, run: i + 1 }, config, reused: true };
  });
  const jobs: GridJob[] = configs.map((config, index) => ({ config, index })).filter((j) => runs[j.index] === null);
  const progress = new Map<number, ProgressLine>();
  const lineOf = (job: GridJob): ProgressLine => {
    let line = progress.get(job.index);
    if (line === undefined) progress.set(job.index, (line = progressLine(label(job.index), job.config.epochs)));
    return line;
  };
  runJobs<GridJob, GridJobResult>({
    handler: GRID_JOB_HANDLER,
    context: { train, val },
    jobs,
    cost: gridJobCost,
    threads: options.threads,
    onReport: (j, history) => {
      if (show) lineOf(jobs[j]).epoch(history as History);
      live?.update(history as History, `run ${jobs[j].index + 1}`);
    },
    onResult: (j, result) => {
      const { config, index } = jobs[j];
      const run: AeGridRun = { row: result.row, config, model: modelOfResult(config, result), history: result.history, reused: false };
      cache?.keep(config, run);
      runs[index] = run;
      const r = result.row;
      if (show) {
        lineOf(jobs[j]).finish(
          r.status === "diverged"
            ? `diverged: ${r.note}`
            : `best val MSE ${r.bestValRecon?.toFixed(5)} at epoch ${r.bestEpoch} of ${r.epochsRun} (${r.trainSeconds.toFixed(0)} s)`,
        );
      }
    },
  });
  return runs as AeGridRun[];
}

/** The run with the lowest validation MSE among those `accept` lets through, or null. */
export function bestRun(runs: AeGridRun[], accept: (run: AeGridRun) => boolean = () => true): AeGridRun | null {
  let best: AeGridRun | null = null;
  for (const run of runs) {
    if (run.row.status !== "ok" || run.row.bestValRecon === null || !accept(run)) continue;
    if (best === null || run.row.bestValRecon < (best.row.bestValRecon ?? Infinity)) best = run;
  }
  return best;
}
