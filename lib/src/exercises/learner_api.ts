// What a learner's code must look like to the grader: the constructors and functions the
// exercise notebooks hand to the checks. A leaf module, so the checks, their mistake
// catalogues and the run-time loader share these shapes without importing each other.
import type { DType, Matrix } from "../tensor";
import type { Rng } from "../random";
import type { Layer } from "../layers";
import type { LossAndGrad } from "../losses";
import type { Optimizer } from "../optim/sgd";

/** The constructor the E1 notebook gives the learner's Linear. */
export type LinearClass = new (inFeatures: number, outFeatures: number, rng: Rng, dtype: DType) => Layer;

/** The constructor the E2 notebook gives the learner's activations. */
export type ActivationClass = new () => Layer;

export type SoftmaxCrossEntropyFunction = (logits: Matrix, labels: Int32Array) => LossAndGrad;

export type MseFunction = (pred: Matrix, target: Matrix) => LossAndGrad;

export type BatchNormClass = new (numFeatures: number, options: { momentum?: number; eps?: number; dtype?: DType }) => Layer;

export type SGDClass = new (options: { lr: number; weightDecay?: number }) => Optimizer;

/** The constructor the E7 notebook gives the learner's Dropout. */
export type DropoutClass = new (p: number, options?: { seed?: number }) => Layer;

export interface MomentumOptions {
  lr: number;
  /** μ; default 0.9. */
  momentum?: number;
  /** λ, on params with decay only; default 0. */
  weightDecay?: number;
}

export interface AdamWOptions {
  /** Default 0.001. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** λ of the decoupled decay, on params with decay only; default 0. */
  weightDecay?: number;
}

export interface RMSPropOptions {
  /** Default 0.01. */
  lr?: number;
  /** Decay of the average of g²; default 0.99. */
  alpha?: number;
  /** Default 1e-8. */
  eps?: number;
  /** λ, added to the gradient, on params with decay only; default 0. */
  weightDecay?: number;
}

export type MomentumClass = new (options: MomentumOptions) => Optimizer;

export type RMSPropClass = new (options: RMSPropOptions) => Optimizer;

export type AdamWClass = new (options: AdamWOptions) => Optimizer;

/** The learner's code from E1–E5, as E6 imports it. */
export interface MyLayers {
  Linear: LinearClass;
  ReLU: ActivationClass;
  Sigmoid: ActivationClass;
  softmaxCrossEntropy: SoftmaxCrossEntropyFunction;
  meanSquaredError: MseFunction;
  BatchNorm1d: BatchNormClass;
  SGD: SGDClass;
}
