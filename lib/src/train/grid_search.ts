// Grid search over autoencoder configurations: each run trains with early stopping on
// the validation reconstruction MSE, a run that diverges is recorded and skipped, and
// every run leaves one row of results (the table the lab shows and saves). With a cache
// folder, each finished run is kept on disk and a re-run after an interruption reuses it.
import { Matrix } from "../tensor";
import { DivergenceError } from "../errors";
import { Autoencoder, AutoencoderOptions } from "../models/autoencoder";
import { checkKnownKeys } from "../validate";
import { fit } from "./trainer";
import type { History } from "../training_history";
import { progressLine } from "./progress";
import { LiveCurves, liveCurves } from "../plot/live";
import { GridCache, GridCacheOptions } from "./grid_cache";

/** One run: the model's config and how to train it. */
export interface AeRunConfig extends AutoencoderOptions {
  /** SGD learning rate (the loss is averaged over every pixel, so useful values are large, ~1–20). */
  lr: number;
  batchSize: number;
  /** L2 coefficient on weights; runs with weightDecay > 0 count as regularised. */
  weightDecay: number;
  /** At most this many epochs. */
  epochs: number;
  /** Stop after this many epochs without a better validation MSE. */
  patience: number;
}

/** One row of the results table. */
export interface AeGridRow {
  run: number;
  encDims: string;
  decDims: string;
  latent: number;
  activation: string;
  batchNorm: boolean;
  lr: number;
  weightDecay: number;
  /** Dropout probability on the hidden layers; runs with dropout > 0 compete for the dropout checkpoint. */
  dropout: number;
  status: "ok" | "diverged";
  bestEpoch: number | null;
  epochsRun: number;
  bestValRecon: number | null;
  /** The largest jump of the validation MSE over its best so far (val[e] / min(val[< e])); 1 if it never rose. */
  worstSpike: number | null;
  /** No validation MSE above twice the best before it (the criterion for a usable regularised run). */
  stable: boolean | null;
  trainSeconds: number;
  note: string;
}

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
}

const TRAIN_KEYS = ["lr", "batchSize", "weightDecay", "epochs", "patience"] as const;

/** A short description of a run, e.g. "784-256-128-256-784 relu BN lr 10 wd 0" (with " dropout 0.1" when it has some). */
export function describeRun(config: AeRunConfig): string {
  const dims = [config.inputDim ?? 784, ...config.encDims, ...config.decDims, config.inputDim ?? 784].join("-");
  const dropout = (config.dropout ?? 0) > 0 ? ` dropout ${config.dropout}` : "";
  return `${dims} ${config.activation ?? "relu"}${config.useBatchNorm ? " BN" : ""} lr ${config.lr} wd ${config.weightDecay}${dropout}`;
}

function split(config: AeRunConfig): { model: AutoencoderOptions; train: Pick<AeRunConfig, (typeof TRAIN_KEYS)[number]> } {
  const { lr, batchSize, weightDecay, epochs, patience, ...model } = config;
  return { model, train: { lr, batchSize, weightDecay, epochs, patience } };
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
  return configs.map((config, i) => {
    const label = `[${i + 1}/${configs.length}] ${describeRun(config)}`;
    const kept = cache?.find(config) ?? null;
    if (kept !== null) {
      if (kept.history !== null) live?.update(kept.history, `run ${i + 1}`);
      if (options.progress !== false) console.log(`${label}: reused (finished earlier, ${kept.row.note || `${kept.row.epochsRun} epochs`})`);
      return { ...kept, row: { ...kept.row, run: i + 1 }, config, reused: true };
    }
    const run = trainRun(config, i, label, train, val, options.progress !== false, live);
    cache?.keep(config, run);
    return run;
  });
}

/** Trains and scores one config; a diverging run gives a row marked "diverged" and no model. */
function trainRun(config: AeRunConfig, i: number, label: string, train: Matrix, val: Matrix, showProgress: boolean, live: LiveCurves | null): AeGridRun {
  const { model: modelOptions, train: settings } = split(config);
  const model = new Autoencoder(modelOptions);
  const progress = showProgress ? progressLine(label, settings.epochs) : null;
  const row: AeGridRow = {
    run: i + 1,
    encDims: config.encDims.join("-"),
    decDims: config.decDims.join("-") || "-",
    latent: model.latentDim,
    activation: model.config.activation,
    batchNorm: model.config.useBatchNorm,
    lr: settings.lr,
    weightDecay: settings.weightDecay,
    dropout: model.config.dropout,
    status: "ok",
    bestEpoch: null,
    epochsRun: 0,
    bestValRecon: null,
    worstSpike: null,
    stable: null,
    trainSeconds: 0,
    note: "",
  };
  const started = performance.now();
  try {
    const history = fit(
      model,
      { x: train, y: train },
      {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        lr: settings.lr,
        weightDecay: settings.weightDecay,
        seed: model.config.seed,
        val: { x: val, y: val },
        earlyStopping: { patience: settings.patience, monitor: "valMetric" },
        onEpoch: (h) => {
          progress?.epoch(h);
          live?.update(h, `run ${i + 1}`);
        },
      },
    );
    row.trainSeconds = (performance.now() - started) / 1000;
    row.bestEpoch = history.bestEpoch ?? null;
    row.epochsRun = history.epoch.length;
    row.bestValRecon = row.bestEpoch === null ? null : history.valMetric[row.bestEpoch - 1];
    row.worstSpike = worstSpike(history.valMetric);
    row.stable = row.worstSpike <= SPIKE_LIMIT;
    row.note = history.stoppedEarly ? `stopped early after ${row.epochsRun} epochs` : "";
    progress?.finish(`best val MSE ${row.bestValRecon?.toFixed(5)} at epoch ${row.bestEpoch} of ${row.epochsRun} (${row.trainSeconds.toFixed(0)} s)`);
    return { row, config, model, history, reused: false };
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    row.trainSeconds = (performance.now() - started) / 1000;
    row.status = "diverged";
    row.note = `${describeRun(config)}: ${err.message}`;
    progress?.finish(`diverged: ${err.message}`);
    return { row, config, model: null, history: null, reused: false };
  }
}

/** A run whose validation MSE ever exceeds this multiple of its best so far counts as unstable. */
export const SPIKE_LIMIT = 2;

/** The largest ratio of a validation value to the best (lowest) one before it; 1 when it never rose. */
export function worstSpike(values: readonly number[]): number {
  let best = Infinity;
  let worst = 1;
  for (const v of values) {
    if (Number.isFinite(best)) worst = Math.max(worst, v / best);
    best = Math.min(best, v);
  }
  return worst;
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
