// The training loop: seeded shuffling each epoch, mini-batch forward/backward/optimiser step,
// a history of loss and metric per epoch for the learning curves, and (on request) a
// training checkpoint after every epoch that a later fit can resume from.
import { Matrix } from "../tensor";
import { ConfigError, DivergenceError, ShapeError } from "../errors";
import { EarlyStopper, EarlyStoppingOptions } from "./early_stopping";
import { Rng } from "../random";
import { Optimizer, SGD, l2Penalty } from "../optim/sgd";
import type { TrainableModel, Targets } from "../models";
import { Dataset, checkDataset, sliceRows, takeSamples } from "../data/dataset";
import { firstNonFinite } from "../kernels";
import { checkInt, checkKnownKeys, checkNonNegative, checkOneOf, checkPositive, checkSeed } from "../validate";
import { ResumableOptimizer, isResumable } from "../optim/state";
import { TrainingRun, loadTrainingCheckpoint, saveTrainingCheckpoint } from "../io/training_checkpoint";
import { EpochProgress, History, lastEpoch } from "../training_history";

// For the modules that import History along with fit (the grader, the label-budget sweep).
export type { EpochProgress, History } from "../training_history";

export interface FitOptions<Y extends Targets> {
  epochs: number;
  batchSize: number;
  /** SGD learning rate (or give `optimizer` instead). */
  lr?: number;
  /** L2 coefficient on weights (not biases, not BatchNorm γ/β). Default 0. */
  weightDecay?: number;
  /** The optimiser to step with, instead of an SGD built from `lr` and `weightDecay`. */
  optimizer?: Optimizer;
  /**
   * How the learning rate changes from epoch to epoch, starting from the optimiser's lr.
   * "constant" (default) keeps it; "cosine" follows lr·(1 + cos(π·(epoch − 1)/epochs))/2,
   * from lr down toward 0 at the end. fit sets `optimizer.lr` before every epoch and puts
   * the starting value back when it returns.
   */
  lrSchedule?: LrSchedule;
  /** Seed of the per-epoch shuffling. Default 0. */
  seed?: number;
  /** Scored in eval mode after every epoch. */
  val?: Dataset<Y>;
  /**
   * Stop when the validation value has not improved for `patience` epochs, and leave
   * the model with the weights (and BatchNorm statistics) of its best epoch. Needs `val`.
   */
  earlyStopping?: EarlyStoppingOptions;
  /** Called after every epoch, e.g. to show progress. */
  onEpoch?: (history: History, progress: EpochProgress) => void;
  /**
   * A training checkpoint file, written (atomically) after every epoch: params, buffers,
   * optimiser state, history. Not with earlyStopping (its best weights are not saved).
   */
  checkpoint?: string;
  /**
   * A training checkpoint to continue from: fit loads it into `model` and the optimiser
   * (which must be built with the same settings) and trains the remaining epochs up to
   * `epochs`, drawing the same batches as an uninterrupted run. The returned history
   * covers every epoch, the checkpoint's included. Seed, batchSize, lrSchedule and the
   * training rows must be the checkpoint's; `epochs` too, unless the schedule is constant.
   * Dropout layers' mask generators are in the checkpoint too (a model's generators()), so
   * a model with dropout draws the same masks as well.
   */
  resume?: string;
}

const FIT_KEYS = ["epochs", "batchSize", "lr", "weightDecay", "optimizer", "lrSchedule", "seed", "val", "earlyStopping", "onEpoch", "checkpoint", "resume"];

export const LR_SCHEDULES = ["constant", "cosine"] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

/** The learning rate of `epoch` (1-based) out of `epochs` under a schedule starting at `lr`. */
export function scheduledLr(schedule: LrSchedule, lr: number, epoch: number, epochs: number): number {
  return schedule === "cosine" ? (lr * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs))) / 2 : lr;
}

/**
 * Trains `model` in place with mini-batch SGD and returns the history.
 * A trailing batch smaller than half a batch joins the one before it (see batchBounds).
 * Throws DivergenceError as soon as a batch loss is not finite.
 */
export function fit<Y extends Targets>(model: TrainableModel<Y>, train: Dataset<Y>, options: FitOptions<Y>): History {
  checkKnownKeys("fit options", options, FIT_KEYS);
  const epochs = checkInt("epochs", options.epochs);
  const batchSize = checkInt("batchSize", options.batchSize);
  const optimizer = optimizerFor(options);
  const seed = checkSeed("seed", options.seed ?? 0);
  const rng = new Rng(seed);
  checkDataset(train, "training data");
  checkFinite(train.x, "training data x");
  if (options.val) {
    checkDataset(options.val, "validation data");
    checkFinite(options.val.x, "validation data x");
  }

  const stopper = options.earlyStopping ? new EarlyStopper(model, options.earlyStopping, options.val !== undefined) : null;
  const n = train.x.rows;
  let history: History = { metricName: model.metricName, epoch: [], trainLoss: [], trainMetric: [], valLoss: [], valMetric: [], seconds: [], lr: [] };
  const schedule = checkOneOf("lrSchedule", options.lrSchedule ?? "constant", LR_SCHEDULES);
  const run: TrainingRun = { seed, batchSize, epochs, lrSchedule: schedule, trainRows: n };
  const files = checkpointFiles(options, optimizer);
  if (files?.resume !== undefined) {
    history = resumedHistory(files.resume, model, files.optimizer, run, options.val !== undefined);
    // Draw the permutations of the epochs done, so the next epoch gets the one it would have had.
    for (let e = 0; e < history.epoch.length; e++) rng.permutation(n);
  }
  const baseLr = optimizer.lr;
  try {
    const params = model.params();
    let batch: Dataset<Y> | null = null; // reused between steps
    for (let epoch = history.epoch.length + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      setLr(optimizer, scheduledLr(schedule, baseLr, epoch, epochs));
      history.lr.push(optimizer.lr);
      const order = rng.permutation(n);
      let lossSum = 0;
      let metricSum = 0;
      const batches = batchBounds(n, batchSize);
      for (const [b, [start, end]] of batches.entries()) {
        batch = takeSamples(train, order, start, end, batch);
        const out = model.forward(batch.x, { training: true });
        const { loss: dataLoss, grad } = model.loss(out, batch.y);
        const loss = dataLoss + l2Penalty(params, optimizer.weightDecay);
        if (!Number.isFinite(loss)) {
          throw new DivergenceError(
            `training diverged at epoch ${epoch}, batch ${b + 1} of ${batches.length}: loss is ${loss} ` +
              `(lr=${optimizer.lr}, batchSize=${batchSize}). Try a smaller lr.`,
          );
        }
        // The metric first: backward may reuse the buffers `out` lives in.
        metricSum += model.metric(out, batch.y, dataLoss) * (end - start);
        lossSum += loss * (end - start);
        model.backwardParams(grad);
        optimizer.step(params);
      }
      const bad = params.find((p) => firstNonFinite(p.value) >= 0);
      if (bad !== undefined) {
        throw new DivergenceError(`training diverged in epoch ${epoch}: ${bad.name} holds NaN or Infinity (lr=${optimizer.lr}). Try a smaller lr.`);
      }
      history.epoch.push(epoch);
      history.trainLoss.push(lossSum / n);
      history.trainMetric.push(metricSum / n);
      if (options.val) {
        const scores = evaluate(model, options.val);
        if (!Number.isFinite(scores.loss)) {
          throw new DivergenceError(`validation loss is ${scores.loss} after epoch ${epoch} (lr=${optimizer.lr}): the weights overflowed. Try a smaller lr.`);
        }
        history.valLoss.push(scores.loss + l2Penalty(params, optimizer.weightDecay));
        history.valMetric.push(scores.metric);
      }
      history.seconds.push((performance.now() - started) / 1000);
      if (files?.checkpoint !== undefined) saveTrainingCheckpoint(files.checkpoint, model, files.optimizer, run, history, baseLr);
      const stop = stopper !== null && stopper.shouldStop(lastEpoch(history));
      options.onEpoch?.(history, { epochs, last: stop || epoch === epochs });
      if (stop) break;
    }
  } finally {
    if (optimizer.lr !== baseLr) optimizer.lr = baseLr;
  }
  if (stopper !== null) {
    history.bestEpoch = stopper.restoreBest();
    history.stoppedEarly = history.epoch.length < epochs;
  }
  return history;
}

/** Sets the lr of an optimiser whose `lr` a learner may have made read-only. */
function setLr(optimizer: Optimizer, lr: number): void {
  if (optimizer.lr === lr) return;
  try {
    optimizer.lr = lr;
  } catch {
    // a getter without a setter throws in strict code; the check below says what happened
  }
  if (optimizer.lr !== lr)
    throw new ConfigError(`fit: lrSchedule sets optimizer.lr before every epoch, but this optimizer's lr cannot be set (a readonly getter?)`);
}

/** The checkpoint and resume files of fit's options, checked, and the optimiser they need; null when neither is given. */
function checkpointFiles<Y extends Targets>(
  options: FitOptions<Y>,
  optimizer: Optimizer,
): { checkpoint?: string; resume?: string; optimizer: Optimizer & ResumableOptimizer } | null {
  const { checkpoint, resume } = options;
  for (const [name, file] of [
    ["checkpoint", checkpoint],
    ["resume", resume],
  ] as const) {
    if (file === undefined) continue;
    if (typeof file !== "string" || file === "") throw new ConfigError(`fit: ${name} must be a file path (got ${JSON.stringify(file)})`);
    if (options.earlyStopping)
      throw new ConfigError(`fit: ${name} cannot be used with earlyStopping (the best epoch's weights it keeps aside are not in a training checkpoint)`);
  }
  if (checkpoint === undefined && resume === undefined) return null;
  if (!isResumable(optimizer)) {
    throw new ConfigError("fit: checkpoint/resume need an optimizer with config(), state() and loadState() (SGD, Momentum, RMSProp, Adam)");
  }
  return { checkpoint, resume, optimizer };
}

/** Loads `file` into model and optimiser after checking that this run continues the checkpoint's; its history. */
function resumedHistory<Y extends Targets>(
  file: string,
  model: TrainableModel<Y>,
  optimizer: Optimizer & ResumableOptimizer,
  run: TrainingRun,
  hasVal: boolean,
): History {
  return loadTrainingCheckpoint(file, model, optimizer, ({ run: saved, history }) => {
    // A constant lr does not depend on the epochs asked for, so such a run may be extended.
    const keys: Array<keyof TrainingRun> = ["seed", "batchSize", "lrSchedule", "trainRows", ...(run.lrSchedule === "constant" ? [] : ["epochs" as const])];
    const differ = keys.filter((key) => saved[key] !== run[key]);
    if (differ.length > 0) {
      const both = differ.map((key) => `${key} ${JSON.stringify(saved[key])} there, ${JSON.stringify(run[key])} here`).join("; ");
      throw new ConfigError(`fit: ${file} is from another run (${both}); resume with the checkpoint's settings`);
    }
    if (history.valMetric.length > 0 !== hasVal) {
      throw new ConfigError(`fit: ${file} was written by a run ${hasVal ? "without" : "with"} val data; resume it the same way`);
    }
    if (history.epoch.length > run.epochs) {
      throw new ConfigError(`fit: ${file} has done ${history.epoch.length} epochs, more than the ${run.epochs} asked for`);
    }
  }).history;
}

/**
 * [start, end) of each mini-batch. A last batch smaller than half a batch joins the one
 * before it. NOTE: its mean gradient is much noisier than the others' (measured: 10,000
 * Fashion-MNIST images in batches of 128 leave 16, whose step at lr 0.1 cost up to 20
 * points of validation accuracy), and BatchNorm cannot train on a single row at all.
 */
export function batchBounds(n: number, batchSize: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  for (let start = 0; start < n; start += batchSize) bounds.push([start, Math.min(n, start + batchSize)]);
  const last = bounds[bounds.length - 1];
  if (bounds.length > 1 && last[1] - last[0] < batchSize / 2) {
    bounds.pop();
    bounds[bounds.length - 1][1] = n;
  }
  return bounds;
}

/** Data loss and metric over a whole dataset in eval mode, in chunks of `chunk` rows. */
export function evaluate<Y extends Targets>(model: TrainableModel<Y>, data: Dataset<Y>, chunk = 4096): { loss: number; metric: number } {
  checkDataset(data, "evaluation data");
  const n = data.x.rows;
  let loss = 0;
  let metric = 0;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const part = sliceRows(data, start, end);
    const out: Matrix = model.forward(part.x, { training: false });
    const partLoss = model.loss(out, part.y).loss;
    loss += partLoss * (end - start);
    metric += model.metric(out, part.y, partLoss) * (end - start);
  }
  return { loss: loss / n, metric: metric / n };
}

/** The optimiser given, checked, or an SGD from lr and weightDecay. */
function optimizerFor<Y extends Targets>(options: FitOptions<Y>): Optimizer {
  const given = options.optimizer;
  if (given === undefined) {
    return new SGD({ lr: checkPositive("lr", options.lr), weightDecay: checkNonNegative("weightDecay", options.weightDecay ?? 0) });
  }
  if (options.lr !== undefined || options.weightDecay !== undefined) {
    throw new ConfigError("fit: give either optimizer or lr/weightDecay, not both (the optimizer carries its own lr and weightDecay)");
  }
  if (typeof given !== "object" || given === null || typeof given.step !== "function") {
    throw new ConfigError("fit: optimizer must be an object with a step(params) method, e.g. new SGD({ lr: 0.1 })");
  }
  checkPositive("optimizer.lr", given.lr);
  checkNonNegative("optimizer.weightDecay", given.weightDecay);
  return given;
}

/** Throws at the first NaN or ±Infinity, naming where it is (it would poison every weight). */
function checkFinite(x: Matrix, what: string): void {
  const i = firstNonFinite(x);
  if (i >= 0) {
    const row = Math.floor(i / x.cols);
    throw new ShapeError(`${what} has ${x.data[i]} at row ${row}, column ${i - row * x.cols}; clean or drop such rows before training`);
  }
}
