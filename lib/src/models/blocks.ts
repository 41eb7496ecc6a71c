// The hidden block every model here is built from: Linear → [BatchNorm1d] → activation → [Dropout].
import { DType } from "../tensor";
import { ConfigError } from "../errors";
import { Rng } from "../random";
import { InitName } from "../init";
import { BatchNorm1d, Dropout, Layer, Linear, ReLU, Sigmoid } from "../layers";

export const ACTIVATIONS = ["relu", "sigmoid"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface BlockOptions {
  activation: Activation;
  init: InitName;
  batchNorm: boolean;
  bnMomentum: number;
  dtype: DType;
  /** Initialises the weights. */
  rng: Rng;
  /** Dropout probability after each activation; 0 adds no layer. */
  dropout: number;
  /** The model's seed, from which each Dropout's own seed is derived. */
  seed: number;
}

/**
 * Hidden layers of the given widths after an input of `inputDim`; layer i gets the
 * names fc{first + i} and bn{first + i}, and with dropout > 0 a Dropout after its
 * activation. Returns the layers and the last width.
 */
export function hiddenBlocks(inputDim: number, widths: readonly number[], first: number, o: BlockOptions): { layers: Layer[]; width: number } {
  const layers: Layer[] = [];
  let width = inputDim;
  widths.forEach((hidden, i) => {
    // No bias before BatchNorm: its β does that job (as with PyTorch's bias=False).
    layers.push(new Linear(width, hidden, { init: o.init, rng: o.rng, dtype: o.dtype, name: `fc${first + i}`, bias: !o.batchNorm }));
    if (o.batchNorm) layers.push(new BatchNorm1d(hidden, { momentum: o.bnMomentum, dtype: o.dtype, name: `bn${first + i}` }));
    // In place: the Linear/BatchNorm output it overwrites is not needed by their backward.
    layers.push(o.activation === "relu" ? new ReLU({ inPlace: true }) : new Sigmoid());
    if (o.dropout > 0) layers.push(new Dropout(o.dropout, { seed: dropoutSeed(o.seed, first + i) }));
    width = hidden;
  });
  return { layers, width };
}

/** Checks a BatchNorm momentum given as a config field. */
export function isMomentum(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value < 1;
}

/** Checks a dropout probability given as a config field: a number in [0, 1). */
export function checkDropout(value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    throw new ConfigError(`dropout must be a number in [0, 1), the probability of dropping a hidden unit in training (got ${String(value)})`);
  }
  return value;
}

/**
 * The seed of the Dropout in hidden block `index`: a function of the model's seed and the
 * index alone. NOTE: drawn from a generator of its own, not the one that initialises the
 * weights, so a model with dropout starts from the same weights as the one without.
 */
export function dropoutSeed(modelSeed: number, index: number): number {
  const seeds = new Rng(modelSeed);
  let seed = 0;
  for (let i = 0; i <= index; i++) seed = seeds.nextUint32();
  // XOR with a constant: the mask stream is not seeded with the init stream's own numbers.
  return (seed ^ 0x0d70_0d70) >>> 0;
}
