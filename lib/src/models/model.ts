// The contract between a model and the trainer: forward/backward/params plus how to
// score an output against targets. Targets are class indices or a matrix.
import type { Rng } from "../random";
import { Matrix } from "../tensor";
import { Param, StateBuffer, ForwardOptions } from "../layers";
import { LossAndGrad } from "../losses";

export type Targets = Int32Array | Matrix;

export interface TrainableModel<Y extends Targets> {
  forward(x: Matrix, options: ForwardOptions): Matrix;
  /** @returns ∂loss/∂input; sets every param's grad. */
  backward(dOut: Matrix): Matrix;
  /** Sets every param's grad, without computing ∂loss/∂input (what training needs). */
  backwardParams(dOut: Matrix): void;
  params(): Param[];
  /** Non-trainable state (BatchNorm running statistics), kept with the best weights. */
  buffers(): StateBuffer[];
  /** Optional: the generators forward draws from in training (Dropout's), in a fixed order; training checkpoints save them. */
  generators?(): Rng[];
  /** Loss of a forward output against targets, and the gradient backward starts from. */
  loss(output: Matrix, targets: Y): LossAndGrad;
  /**
   * The metric reported in histories (accuracy for classifiers, MSE for regressors).
   * `dataLoss`, when given, is loss(output, targets).loss, for metrics that equal it.
   */
  metric(output: Matrix, targets: Y, dataLoss?: number): number;
  readonly metricName: string;
}
