// The hidden block every model here is built from: Linear → [BatchNorm1d] → activation.
import { DType } from "../tensor";
import { Rng } from "../random";
import { InitName } from "../init";
import { BatchNorm1d, Layer, Linear, ReLU, Sigmoid } from "../layers";

export const ACTIVATIONS = ["relu", "sigmoid"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface BlockOptions {
  activation: Activation;
  init: InitName;
  batchNorm: boolean;
  bnMomentum: number;
  dtype: DType;
  rng: Rng;
}

/**
 * Hidden layers of the given widths after an input of `inputDim`; layer i gets the
 * names fc{first + i} and bn{first + i}. Returns the layers and the last width.
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
    width = hidden;
  });
  return { layers, width };
}

/** Checks a BatchNorm momentum given as a config field. */
export function isMomentum(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value < 1;
}
