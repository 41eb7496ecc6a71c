// Multi-layer perceptrons: Linear → [BatchNorm] → activation, repeated per hidden
// layer, then a Linear output layer. The classifier and regressor differ only in
// how the output is scored.
import { DType, Matrix } from "../tensor";
import { ConfigError, ShapeError } from "../errors";
import { Rng } from "../random";
import { INIT_NAMES, InitName } from "../init";
import { argmaxRows } from "../kernels";
import { ForwardOptions, Layer, Linear, Param, StateBuffer } from "../layers";
import { ACTIVATIONS, Activation, hiddenBlocks, isMomentum } from "./blocks";
import { LossAndGrad, checkLabels, meanSquaredError, meanSquaredErrorValue, softmax, softmaxCrossEntropy } from "../losses";
import { checkBoolean, checkInt, checkKnownKeys, checkOneOf, checkSeed, checkWidths } from "../validate";
import { Sequential } from "./sequential";
import { inChunks } from "./chunked";
import { TrainableModel, Targets } from "./model";


/** Options shared by every MLP. Defaults are filled in by the constructor. */
export interface MLPOptions {
  /** Widths of the hidden layers, e.g. [64, 64]. At least one. */
  hiddenDims: number[];
  /** Hidden activation. Default "relu". */
  activation?: Activation;
  /** Weight initialisation. Default "he". */
  init?: InitName;
  /** BatchNorm1d after each hidden Linear, before the activation. Default false. */
  useBatchNorm?: boolean;
  /** BatchNorm running-statistic momentum (weight of the old value). Default 0.9. */
  bnMomentum?: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Element type. "float64" is for gradient checks. Default "float32". */
  dtype?: DType;
}

/** The full, validated configuration of an MLP (what a checkpoint would record). */
export interface MLPConfig extends Required<MLPOptions> {
  inputDim: number;
  outputDim: number;
}

const OPTION_KEYS = ["inputDim", "hiddenDims", "activation", "init", "useBatchNorm", "bnMomentum", "seed", "dtype"];

/** Where the output width comes from: `numClasses` (>= 2) or `outputDim` (>= 1). */
export interface OutputSpec {
  name: "numClasses" | "outputDim";
  value: number;
  min: number;
}

function resolveConfig(options: MLPOptions & { inputDim: number }, output: OutputSpec): MLPConfig {
  const bnMomentum = options.bnMomentum ?? 0.9;
  if (!isMomentum(bnMomentum)) {
    throw new ConfigError(`bnMomentum must be a number in [0, 1) (got ${bnMomentum})`);
  }
  return {
    inputDim: checkInt("inputDim", options.inputDim),
    outputDim: checkInt(output.name, output.value, output.min),
    hiddenDims: [...checkWidths("hiddenDims", options.hiddenDims, false)],
    activation: checkOneOf("activation", options.activation ?? "relu", ACTIVATIONS),
    init: checkOneOf("init", options.init ?? "he", INIT_NAMES),
    useBatchNorm: checkBoolean("useBatchNorm", options.useBatchNorm ?? false),
    bnMomentum,
    seed: checkSeed("seed", options.seed ?? 0),
    dtype: checkOneOf("dtype", options.dtype ?? "float32", ["float32", "float64"] as const),
  };
}

function buildLayers(config: MLPConfig): Layer[] {
  const rng = new Rng(config.seed);
  const { init, dtype } = config;
  const hidden = hiddenBlocks(config.inputDim, config.hiddenDims, 0, { ...config, batchNorm: config.useBatchNorm, rng });
  const out = new Linear(hidden.width, config.outputDim, { init, rng, dtype, name: `fc${config.hiddenDims.length}` });
  return [...hidden.layers, out];
}

export abstract class MLP<Y extends Targets> implements TrainableModel<Y> {
  readonly config: MLPConfig;
  readonly net: Sequential;
  abstract readonly metricName: string;

  protected constructor(options: MLPOptions & { inputDim: number }, output: OutputSpec, what: string) {
    checkKnownKeys(`${what} options`, options, [...OPTION_KEYS, output.name]);
    this.config = resolveConfig(options, output);
    this.net = new Sequential(buildLayers(this.config));
  }

  /** @param x (N, inputDim) @returns (N, outputDim) */
  forward(x: Matrix, options: ForwardOptions): Matrix {
    if (x.cols !== this.config.inputDim) {
      throw new ShapeError(`model expects inputs with ${this.config.inputDim} columns (inputDim), got ${x.shape}`);
    }
    if (x.dtype !== this.config.dtype) {
      throw new ShapeError(`model is ${this.config.dtype} but the inputs are ${x.dtype}; convert with x.astype("${this.config.dtype}")`);
    }
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

  /** Eval-mode outputs for any number of rows, computed in chunks to bound memory. */
  outputs(x: Matrix, chunk = 4096): Matrix {
    return inChunks(x, this.config.outputDim, this.config.dtype, chunk, (part) => this.forward(part, { training: false }));
  }

  summary(): string {
    return this.net.summary();
  }

  abstract loss(output: Matrix, targets: Y): LossAndGrad;
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

/** Classifier: outputs are logits, trained with softmax cross-entropy, scored by accuracy. */
export class MLPClassifier extends MLP<Int32Array> {
  readonly metricName = "accuracy";

  constructor(options: MLPOptions & { inputDim: number; numClasses: number }) {
    super(options, { name: "numClasses", value: options.numClasses, min: 2 }, "MLPClassifier");
  }

  loss(logits: Matrix, labels: Int32Array): LossAndGrad {
    return softmaxCrossEntropy(logits, labels);
  }

  metric(logits: Matrix, labels: Int32Array): number {
    checkLabels(labels, logits.rows, logits.cols);
    return accuracy(argmaxRows(logits), labels);
  }

  /** Most likely class per row (eval mode). @param x (N, inputDim) @returns (N) */
  predict(x: Matrix): Int32Array {
    return argmaxRows(this.outputs(x));
  }

  /** Class probabilities (eval mode). @param x (N, inputDim) @returns (N, numClasses) */
  predictProba(x: Matrix): Matrix {
    return softmax(this.outputs(x));
  }
}

/** Regressor: outputs are raw values, trained and scored with mean squared error. */
export class MLPRegressor extends MLP<Matrix> {
  readonly metricName = "mse";

  constructor(options: MLPOptions & { inputDim: number; outputDim: number }) {
    super(options, { name: "outputDim", value: options.outputDim, min: 1 }, "MLPRegressor");
  }

  loss(pred: Matrix, target: Matrix): LossAndGrad {
    return meanSquaredError(pred, target);
  }

  metric(pred: Matrix, target: Matrix, dataLoss?: number): number {
    return dataLoss ?? meanSquaredErrorValue(pred, target);
  }

  /** Predictions (eval mode). @param x (N, inputDim) @returns (N, outputDim) */
  predict(x: Matrix): Matrix {
    return this.outputs(x);
  }
}
