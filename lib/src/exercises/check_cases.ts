// The cases a check builds and its mistake catalogue replays: a leaf module, so a
// check_*.ts and its mistakes/*.ts do not import each other.
import type { Matrix } from "../tensor";
import type { LossAndGrad } from "../losses";
import type { Param } from "../layers";

export interface LinearCase {
  label: string;
  inF: number;
  outF: number;
  x: Matrix;
  /** A batch of x's shape that forward sees first: backward must use the latest forward. */
  decoy: Matrix;
  W: Matrix;
  b: Matrix;
  dOut: Matrix;
  /** The engine's answers. */
  y: Matrix;
  dX: Matrix;
  dW: Matrix;
  db: Matrix;
}

export interface ActivationCase {
  label: string;
  x: Matrix;
  /** A batch of x's shape that forward sees first: backward must use the latest forward. */
  decoy: Matrix;
  /** The engine's output on the decoy. */
  decoyY: Matrix;
  dOut: Matrix;
  y: Matrix;
  dX: Matrix;
}

export interface SceCase {
  label: string;
  logits: Matrix;
  labels: Int32Array;
  ref: LossAndGrad;
}

export interface MseCase {
  label: string;
  pred: Matrix;
  target: Matrix;
  ref: LossAndGrad;
}

export interface BatchNormCase {
  label: string;
  d: number;
  gamma: Matrix;
  beta: Matrix;
  /** Three training batches, then one batch seen in eval mode. */
  batches: Matrix[];
  evalX: Matrix;
  dOut: Matrix;
}

export interface SGDRun {
  /** Param values before each step and the grads of each step, for the suspects. */
  start: Matrix[];
  grads: Matrix[][];
  mine: Param[];
  ref: Param[];
}
