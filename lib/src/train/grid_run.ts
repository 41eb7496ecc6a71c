// One run of the autoencoder grid: train one config with early stopping on the validation
// reconstruction MSE and score it as a row of the results table; a run that diverges is
// recorded with no model. Runs on any thread (grid_jobs.ts sends runs to worker threads).
import { Matrix } from "../tensor";
import { DivergenceError } from "../errors";
import { Autoencoder, AutoencoderOptions } from "../models/autoencoder";
import { fit } from "./trainer";
import type { History } from "../training_history";

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

export const TRAIN_KEYS = ["lr", "batchSize", "weightDecay", "epochs", "patience"] as const;

/** A short description of a run, e.g. "784-256-128-256-784 relu BN lr 10 wd 0" (with " dropout 0.1" when it has some). */
export function describeRun(config: AeRunConfig): string {
  const dims = [config.inputDim ?? 784, ...config.encDims, ...config.decDims, config.inputDim ?? 784].join("-");
  const dropout = (config.dropout ?? 0) > 0 ? ` dropout ${config.dropout}` : "";
  return `${dims} ${config.activation ?? "relu"}${config.useBatchNorm ? " BN" : ""} lr ${config.lr} wd ${config.weightDecay}${dropout}`;
}

export function splitRunConfig(config: AeRunConfig): { model: AutoencoderOptions; train: Pick<AeRunConfig, (typeof TRAIN_KEYS)[number]> } {
  const { lr, batchSize, weightDecay, epochs, patience, ...model } = config;
  return { model, train: { lr, batchSize, weightDecay, epochs, patience } };
}

/** A trained run: its row, and its model and history unless it diverged. */
export interface GridRunResult {
  row: AeGridRow;
  model: Autoencoder | null;
  history: History | null;
}

/** Trains and scores config `i` (0-based); a diverging run gives a row marked "diverged" and no model. */
export function trainGridRun(config: AeRunConfig, i: number, train: Matrix, val: Matrix, onEpoch?: (history: History) => void): GridRunResult {
  const { model: modelOptions, train: settings } = splitRunConfig(config);
  const model = new Autoencoder(modelOptions);
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
        onEpoch,
      },
    );
    row.trainSeconds = (performance.now() - started) / 1000;
    row.bestEpoch = history.bestEpoch ?? null;
    row.epochsRun = history.epoch.length;
    row.bestValRecon = row.bestEpoch === null ? null : history.valMetric[row.bestEpoch - 1];
    row.worstSpike = worstSpike(history.valMetric);
    row.stable = row.worstSpike <= SPIKE_LIMIT;
    row.note = history.stoppedEarly ? `stopped early after ${row.epochsRun} epochs` : "";
    return { row, model, history };
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    row.trainSeconds = (performance.now() - started) / 1000;
    row.status = "diverged";
    row.note = `${describeRun(config)}: ${err.message}`;
    return { row, model: null, history: null };
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
