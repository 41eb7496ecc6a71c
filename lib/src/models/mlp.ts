// Multi-layer perceptrons: Linear → [BatchNorm] → activation → [Dropout], repeated per hidden
// layer, then a Linear output layer. The classifier and regressor differ only in
// how the output is scored.
import { DType, Matrix } from "../tensor";
import { ConfigError, ShapeError } from "../errors";
import { Rng } from "../random";
import { INIT_NAMES, InitName } from "../init";
import { ForwardOptions, Layer, Linear } from "../layers";
import { ACTIVATIONS, Activation, checkDropout, hiddenBlocks, isMomentum } from "./blocks";
import { checkBoolean, checkInt, checkKnownKeys, checkOneOf, checkSeed, checkWidths } from "../validate";
import { Classifier, Regressor } from "./network";

/** Options shared by every MLP. Defaults are filled in by the constructor. */
export interface MLPOptions {
  /** Widths of the hidden layers, e.g. [64, 64]; [] makes a linear model (softmax regression for a classifier). */
  hiddenDims: number[];
  /** Hidden activation. Default "relu". */
  activation?: Activation;
  /** Weight initialisation. Default "he". */
  init?: InitName;
  /** BatchNorm1d after each hidden Linear, before the activation. Default false. */
  useBatchNorm?: boolean;
  /** BatchNorm running-statistic momentum (weight of the old value). Default 0.9. */
  bnMomentum?: number;
  /**
   * Dropout probability after each hidden activation, in [0, 1): inverted dropout in
   * training, the identity in eval. Default 0 (no Dropout layer).
   */
  dropout?: number;
  /** Seed of the weight initialisation (and, derived from it, of the dropout masks). Default 0. */
  seed?: number;
  /** Element type. "float64" is for gradient checks. Default "float32". */
  dtype?: DType;
}

/** The full, validated configuration of an MLP (what a checkpoint would record). */
export interface MLPConfig extends Required<MLPOptions> {
  inputDim: number;
  outputDim: number;
}

const OPTION_KEYS = ["inputDim", "hiddenDims", "activation", "init", "useBatchNorm", "bnMomentum", "dropout", "seed", "dtype"];

/** Where the output width comes from: `numClasses` (>= 2) or `outputDim` (>= 1). */
export interface OutputSpec {
  name: "numClasses" | "outputDim";
  value: number;
  min: number;
}

function mlpConfig(options: MLPOptions & { inputDim: number }, output: OutputSpec, what: string): MLPConfig {
  checkKnownKeys(`${what} options`, options, [...OPTION_KEYS, output.name]);
  const bnMomentum = options.bnMomentum ?? 0.9;
  if (!isMomentum(bnMomentum)) {
    throw new ConfigError(`bnMomentum must be a number in [0, 1) (got ${bnMomentum})`);
  }
  return {
    inputDim: checkInt("inputDim", options.inputDim),
    outputDim: checkInt(output.name, output.value, output.min),
    hiddenDims: [...checkWidths("hiddenDims", options.hiddenDims, true)],
    activation: checkOneOf("activation", options.activation ?? "relu", ACTIVATIONS),
    init: checkOneOf("init", options.init ?? "he", INIT_NAMES),
    useBatchNorm: checkBoolean("useBatchNorm", options.useBatchNorm ?? false),
    bnMomentum,
    dropout: checkDropout(options.dropout ?? 0),
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

/** Refuses inputs of the wrong width or dtype before they reach the first layer. */
function checkInput(config: MLPConfig, x: Matrix): void {
  if (x.cols !== config.inputDim) {
    throw new ShapeError(`model expects inputs with ${config.inputDim} columns (inputDim), got ${x.shape}`);
  }
  if (x.dtype !== config.dtype) {
    throw new ShapeError(`model is ${config.dtype} but the inputs are ${x.dtype}; convert with x.astype("${config.dtype}")`);
  }
}

/** Classifier: outputs are logits, trained with softmax cross-entropy, scored by accuracy. */
export class MLPClassifier extends Classifier {
  readonly config: MLPConfig;

  constructor(options: MLPOptions & { inputDim: number; numClasses: number }) {
    const config = mlpConfig(options, { name: "numClasses", value: options.numClasses, min: 2 }, "MLPClassifier");
    super(buildLayers(config), {}, "MLPClassifier");
    this.config = config;
  }

  /** @param x (N, inputDim) @returns logits (N, numClasses) */
  override forward(x: Matrix, options: ForwardOptions): Matrix {
    checkInput(this.config, x);
    return super.forward(x, options);
  }
}

/** Regressor: outputs are raw values, trained and scored with mean squared error. */
export class MLPRegressor extends Regressor {
  readonly config: MLPConfig;

  constructor(options: MLPOptions & { inputDim: number; outputDim: number }) {
    const config = mlpConfig(options, { name: "outputDim", value: options.outputDim, min: 1 }, "MLPRegressor");
    super(buildLayers(config), {}, "MLPRegressor");
    this.config = config;
  }

  /** @param x (N, inputDim) @returns (N, outputDim) */
  override forward(x: Matrix, options: ForwardOptions): Matrix {
    checkInput(this.config, x);
    return super.forward(x, options);
  }
}

/** Either MLP. */
export type MLP = MLPClassifier | MLPRegressor;
