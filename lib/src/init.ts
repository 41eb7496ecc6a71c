// Weight initialisation. He suits ReLU (keeps the activation variance from shrinking
// layer after layer), Xavier/Glorot suits sigmoid and linear outputs.
import { DType, Matrix } from "./tensor";
import { Rng } from "./random";

export const INIT_NAMES = ["he", "xavier"] as const;
export type InitName = (typeof INIT_NAMES)[number];

/**
 * A (fanIn, fanOut) weight matrix.
 * - "he": normal with std √(2 / fanIn) (PyTorch kaiming_normal_, fan_in mode).
 * - "xavier": uniform in ±√(6 / (fanIn + fanOut)) (PyTorch xavier_uniform_).
 */
export function initWeights(init: InitName, fanIn: number, fanOut: number, rng: Rng, dtype: DType): Matrix {
  const w = new Matrix(fanIn, fanOut, dtype);
  const W = w.data;
  if (init === "he") {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < W.length; i++) W[i] = std * rng.normal();
  } else {
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < W.length; i++) W[i] = rng.uniformIn(-bound, bound);
  }
  return w;
}
