// What every layer provides. Gradient rule, kept by every layer: backward() OVERWRITES
// the grads of its params (no accumulation, so there is no zeroGrad to forget).
// Buffer rule: the matrices forward() and backward() return belong to the layer and are
// overwritten by its next call (so training allocates nothing per step); clone() one
// to keep it.
import type { Rng } from "../random";
import { Matrix } from "../tensor";

/** A trainable tensor with its gradient. The optimiser applies L2 decay only where `decay`. */
export interface Param {
  readonly name: string;
  readonly value: Matrix;
  readonly grad: Matrix;
  readonly decay: boolean;
}

/** Non-trainable state (BatchNorm running statistics): saved in checkpoints, never optimised. */
export interface StateBuffer {
  readonly name: string;
  readonly value: Matrix;
}

export interface ForwardOptions {
  /** Training mode: BatchNorm uses batch statistics and updates its running ones. */
  readonly training: boolean;
}

export interface Layer {
  /** A short description for summaries, e.g. "Linear(2 → 64)". */
  readonly label: string;
  /** @param x (N, inputs) @returns (N, outputs); remembers what backward needs. */
  forward(x: Matrix, options: ForwardOptions): Matrix;
  /** @param dOut (N, outputs), ∂loss/∂output @returns dX (N, inputs); sets every param's grad. */
  backward(dOut: Matrix): Matrix;
  /**
   * Optional: set the param grads like backward() but skip computing dX. A network's
   * first layer uses it in training, where nothing reads ∂loss/∂input.
   */
  backwardParams?(dOut: Matrix): void;
  params(): Param[];
  buffers(): StateBuffer[];
  /** Optional: the generators forward draws from (Dropout's masks); training checkpoints save where they stand. */
  generators?(): Rng[];
}

/** Builds a Param whose grad is a zero matrix of the same shape and dtype. */
/** The Layer methods `value` lacks (empty when it can go into a Sequential). */
export function missingLayerMethods(value: unknown): string[] {
  return ["forward", "backward", "params", "buffers"].filter((m) => typeof (value as Record<string, unknown> | null | undefined)?.[m] !== "function");
}

export function makeParam(name: string, value: Matrix, decay: boolean): Param {
  return { name, value, grad: new Matrix(value.rows, value.cols, value.dtype), decay };
}

/** The error for backward() called before forward() (a bug in the caller, said plainly). */
export function noForwardError(label: string): Error {
  return new Error(`${label}: backward() called before forward(); run forward first`);
}
