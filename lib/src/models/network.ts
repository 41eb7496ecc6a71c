// A trainable model from any stack of layers and a loss function: how layers written
// outside the engine (the exercise track's, a reader's own) are trained with fit. The
// MLPs are such networks, built from the engine's layers.
import type { Rng } from "../random";
import { Matrix } from "../tensor";
import { ConfigError, ShapeError } from "../errors";
import { argmaxRows } from "../kernels";
import { ForwardOptions, Layer, Param, StateBuffer, missingLayerMethods } from "../layers";
import { LossAndGrad, checkLabels, meanSquaredError, meanSquaredErrorValue, softmax, softmaxCrossEntropy } from "../losses";
import { Sequential } from "./sequential";
import { inChunks } from "./chunked";
import { TrainableModel, Targets } from "./model";

/** A loss with its gradient, e.g. softmaxCrossEntropy or meanSquaredError. */
export type LossFunction<Y extends Targets> = (output: Matrix, targets: Y) => LossAndGrad;

export abstract class Network<Y extends Targets> implements TrainableModel<Y> {
  readonly net: Sequential;
  abstract readonly metricName: string;

  protected constructor(
    layers: readonly Layer[],
    readonly lossFunction: LossFunction<Y>,
    what: string,
  ) {
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new ConfigError(`${what} needs a non-empty list of layers (got ${Array.isArray(layers) ? "[]" : String(layers)})`);
    }
    layers.forEach((layer, i) => {
      const missing = missingLayerMethods(layer);
      if (missing.length > 0) {
        throw new ConfigError(`${what}: layer ${i} (${describe(layer)}) is not a Layer: it has no ${missing.join("(), no ")}()`);
      }
    });
    if (typeof lossFunction !== "function") throw new ConfigError(`${what}: loss must be a function (output, targets) => { loss, grad }`);
    this.net = new Sequential(layers);
  }

  /** @param x (N, inputs) @returns (N, outputs) */
  forward(x: Matrix, options: ForwardOptions): Matrix {
    return this.net.forward(x, options);
  }

  backward(dOut: Matrix): Matrix {
    return this.net.backward(dOut);
  }

  backwardParams(dOut: Matrix): void {
    this.net.backwardParams(dOut);
  }

  params(): Param[] {
    return this.net.params();
  }

  buffers(): StateBuffer[] {
    return this.net.buffers();
  }

  generators(): Rng[] {
    return this.net.generators();
  }

  loss(output: Matrix, targets: Y): LossAndGrad {
    return this.lossFunction(output, targets);
  }

  /** Eval-mode outputs for any number of rows, computed in chunks to bound memory. */
  outputs(x: Matrix, chunk = 4096): Matrix {
    return inChunks(x, chunk, (part) => this.forward(part, { training: false }));
  }

  summary(): string {
    return this.net.summary();
  }

  abstract metric(output: Matrix, targets: Y, dataLoss?: number): number;
}

/** Fraction of predictions equal to the labels. */
export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  if (predicted.length !== labels.length) {
    throw new ShapeError(`accuracy: ${predicted.length} predictions vs ${labels.length} labels`);
  }
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return labels.length === 0 ? 0 : hits / labels.length;
}

/** Outputs are logits, scored by accuracy; the loss defaults to softmax cross-entropy. */
export class Classifier extends Network<Int32Array> {
  readonly metricName = "accuracy";

  constructor(layers: readonly Layer[], options: { loss?: LossFunction<Int32Array> } = {}, what = "Classifier") {
    super(layers, options.loss ?? softmaxCrossEntropy, what);
  }

  metric(logits: Matrix, labels: Int32Array): number {
    checkLabels(labels, logits.rows, logits.cols);
    return accuracy(argmaxRows(logits), labels);
  }

  /** Most likely class per row (eval mode). @param x (N, inputs) @returns (N) */
  predict(x: Matrix): Int32Array {
    return argmaxRows(this.outputs(x));
  }

  /** Class probabilities (eval mode). @param x (N, inputs) @returns (N, classes) */
  predictProba(x: Matrix): Matrix {
    return softmax(this.outputs(x));
  }
}

/** Outputs are raw values, scored by MSE; the loss defaults to mean squared error. */
export class Regressor extends Network<Matrix> {
  readonly metricName = "mse";

  constructor(layers: readonly Layer[], options: { loss?: LossFunction<Matrix> } = {}, what = "Regressor") {
    super(layers, options.loss ?? meanSquaredError, what);
  }

  /** The plain MSE; `dataLoss` is reused when the loss is the engine's own MSE. */
  metric(pred: Matrix, target: Matrix, dataLoss?: number): number {
    return dataLoss !== undefined && this.lossFunction === meanSquaredError ? dataLoss : meanSquaredErrorValue(pred, target);
  }

  /** Predictions (eval mode). @param x (N, inputs) @returns (N, outputs) */
  predict(x: Matrix): Matrix {
    return this.outputs(x);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const label = (value as { label?: unknown }).label;
  return typeof label === "string" ? label : ((value as object).constructor?.name ?? typeof value);
}
