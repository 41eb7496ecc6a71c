// A fully connected autoencoder: an encoder of hidden blocks down to the latent code Z,
// a decoder of hidden blocks back up, and an output layer to the input size, trained to
// reproduce its input under mean squared error.
import { DType, Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { Rng } from "../random";
import { INIT_NAMES, InitName } from "../init";
import { ForwardOptions, Layer, Linear, Param, Sigmoid, StateBuffer } from "../layers";
import { LossAndGrad, meanSquaredError, meanSquaredErrorValue } from "../losses";
import { checkBoolean, checkInt, checkKnownKeys, checkOneOf, checkSeed, checkWidths } from "../validate";
import { ConfigError } from "../errors";
import { ACTIVATIONS, Activation, checkDropout, hiddenBlocks, isMomentum } from "./blocks";
import { Sequential } from "./sequential";
import { inChunks } from "./chunked";
import { TrainableModel } from "./model";

export const OUTPUT_ACTIVATIONS = ["sigmoid", "linear"] as const;
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number];

export interface AutoencoderOptions {
  /** Input (and output) width. Default 784 (28×28 images). */
  inputDim?: number;
  /** Encoder widths; the last one is the latent size K, e.g. [256, 128]. */
  encDims: number[];
  /** Decoder hidden widths before the output layer, e.g. [256]; may be empty. */
  decDims: number[];
  /** Hidden activation (the latent layer included). Default "relu". */
  activation?: Activation;
  /** Weight initialisation. Default "he". */
  init?: InitName;
  /** BatchNorm1d in every hidden block, the latent one included. Default false. */
  useBatchNorm?: boolean;
  /** BatchNorm running-statistic momentum (weight of the old value). Default 0.9. */
  bnMomentum?: number;
  /**
   * Output activation: "sigmoid" keeps reconstructions in (0, 1) like pixel values
   * scaled to [0, 1]; "linear" leaves them unbounded. Default "sigmoid".
   */
  outputActivation?: OutputActivation;
  /**
   * Dropout probability after every hidden activation, the latent layer's included, in
   * [0, 1): inverted dropout in training, the identity in eval (so codes and
   * reconstructions need no rescaling). Default 0 (no Dropout layer).
   */
  dropout?: number;
  /** Seed of the weight initialisation (and, derived from it, of the dropout masks). Default 0. */
  seed?: number;
  /** Element type. Default "float32". */
  dtype?: DType;
}

export type AutoencoderConfig = Required<AutoencoderOptions>;

const KEYS = ["inputDim", "encDims", "decDims", "activation", "init", "useBatchNorm", "bnMomentum", "outputActivation", "dropout", "seed", "dtype"];

/** The options checked and completed with the defaults: the config a model built from them has. */
export function resolveAutoencoderConfig(options: AutoencoderOptions): AutoencoderConfig {
  checkKnownKeys("Autoencoder options", options, KEYS);
  const bnMomentum = options.bnMomentum ?? 0.9;
  if (!isMomentum(bnMomentum)) throw new ConfigError(`bnMomentum must be a number in [0, 1) (got ${bnMomentum})`);
  return {
    inputDim: checkInt("inputDim", options.inputDim ?? 784),
    encDims: [...checkWidths("encDims", options.encDims, false)],
    decDims: [...checkWidths("decDims", options.decDims, true)],
    activation: checkOneOf("activation", options.activation ?? "relu", ACTIVATIONS),
    init: checkOneOf("init", options.init ?? "he", INIT_NAMES),
    useBatchNorm: checkBoolean("useBatchNorm", options.useBatchNorm ?? false),
    bnMomentum,
    outputActivation: checkOneOf("outputActivation", options.outputActivation ?? "sigmoid", OUTPUT_ACTIVATIONS),
    dropout: checkDropout(options.dropout ?? 0),
    seed: checkSeed("seed", options.seed ?? 0),
    dtype: checkOneOf("dtype", options.dtype ?? "float32", ["float32", "float64"] as const),
  };
}

export class Autoencoder implements TrainableModel<Matrix> {
  readonly config: AutoencoderConfig;
  /** Input → latent code Z (N, K). */
  readonly encoder: Sequential;
  /** Latent code → reconstruction (N, inputDim). */
  readonly decoder: Sequential;
  readonly metricName = "mse";
  private lossGrad: Matrix | null = null;

  constructor(options: AutoencoderOptions) {
    const config = resolveAutoencoderConfig(options);
    this.config = config;
    const rng = new Rng(config.seed);
    const block = {
      activation: config.activation,
      init: config.init,
      batchNorm: config.useBatchNorm,
      bnMomentum: config.bnMomentum,
      dtype: config.dtype,
      rng,
      dropout: config.dropout,
      seed: config.seed,
    };
    const enc = hiddenBlocks(config.inputDim, config.encDims, 0, block);
    const dec = hiddenBlocks(enc.width, config.decDims, config.encDims.length, block);
    const last = config.encDims.length + config.decDims.length;
    const output: Layer[] = [new Linear(dec.width, config.inputDim, { init: config.init, rng, dtype: config.dtype, name: `fc${last}` })];
    if (config.outputActivation === "sigmoid") output.push(new Sigmoid());
    this.encoder = new Sequential(enc.layers);
    this.decoder = new Sequential([...dec.layers, ...output]);
  }

  /** Latent size K. */
  get latentDim(): number {
    return this.config.encDims[this.config.encDims.length - 1];
  }

  /** @param x (N, inputDim) @returns reconstruction (N, inputDim); buffers owned by the layers */
  forward(x: Matrix, options: ForwardOptions): Matrix {
    this.checkWidth(x);
    if (x.dtype !== this.config.dtype) {
      throw new ShapeError(`model is ${this.config.dtype} but the inputs are ${x.dtype}; convert with x.astype("${this.config.dtype}")`);
    }
    return this.decoder.forward(this.encoder.forward(x, options), options);
  }

  backward(dOut: Matrix): Matrix {
    return this.encoder.backward(this.decoder.backward(dOut));
  }

  backwardParams(dOut: Matrix): void {
    this.encoder.backwardParams(this.decoder.backward(dOut));
  }

  params(): Param[] {
    return [...this.encoder.params(), ...this.decoder.params()];
  }

  buffers(): StateBuffer[] {
    return [...this.encoder.buffers(), ...this.decoder.buffers()];
  }

  generators(): Rng[] {
    return [...this.encoder.generators(), ...this.decoder.generators()];
  }

  /** Reconstruction MSE, averaged over every pixel, and its gradient. */
  loss(reconstruction: Matrix, target: Matrix): LossAndGrad {
    const result = meanSquaredError(reconstruction, target, this.lossGrad ?? undefined);
    this.lossGrad = result.grad;
    return result;
  }

  metric(reconstruction: Matrix, target: Matrix, dataLoss?: number): number {
    return dataLoss ?? meanSquaredErrorValue(reconstruction, target);
  }

  /** Latent codes Z in eval mode. @param x (N, inputDim) @returns (N, K), a new matrix */
  encode(x: Matrix, chunk = 4096): Matrix {
    this.checkWidth(x);
    return inChunks(x, chunk, (part) => this.encoder.forward(part, { training: false }));
  }

  /** Reconstructions in eval mode. @param x (N, inputDim) @returns (N, inputDim), a new matrix */
  reconstruct(x: Matrix, chunk = 4096): Matrix {
    this.checkWidth(x);
    return inChunks(x, chunk, (part) => this.forward(part, { training: false }));
  }

  summary(): string {
    const count = this.params().reduce((s, p) => s + p.value.data.length, 0);
    const layers = [...this.encoder.layers, ...this.decoder.layers].map((l) => l.label);
    return [...layers, `${count.toLocaleString("en-US")} trainable parameters, latent size ${this.latentDim}`].join("\n");
  }

  private checkWidth(x: Matrix): void {
    if (x.cols !== this.config.inputDim) {
      throw new ShapeError(`autoencoder expects inputs with ${this.config.inputDim} columns (inputDim), got ${x.shape}`);
    }
  }
}
