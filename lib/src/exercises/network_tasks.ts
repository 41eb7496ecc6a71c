// What E6 asks of the learner: the data (Lab 1's spirals and noisy curve, in float64) and the
// shape of the functions the learner writes (a network and its optimiser; a training function).
import { Matrix } from "../tensor";
import { Optimizer } from "../optim/sgd";
import { Network } from "../models";
import type { History } from "../train/trainer";
import { Dataset, trainValSplit } from "../data/dataset";
import { curveTarget, makeCurve, makeSpirals } from "../data/synthetic";

export interface TrainValData<Y extends Matrix | Int32Array> {
  train: Dataset<Y>;
  val: Dataset<Y>;
}

/** What the learner's training function returns: the trained model and fit's history. */
export interface Trained<Y extends Matrix | Int32Array> {
  model: Network<Y>;
  history: History;
}

export type TrainFunction<Y extends Matrix | Int32Array> = (data: TrainValData<Y>) => Trained<Y>;

/** What the learner's network function returns: an untrained model and the optimiser that will train it. */
export interface NetworkSetup<Y extends Matrix | Int32Array> {
  model: Network<Y>;
  optimizer: Optimizer;
}

export type SetupFunction<Y extends Matrix | Int32Array> = () => NetworkSetup<Y>;

/** Lab 1's spirals and curve, in float64, split the same way. */
export function spiralData(): TrainValData<Int32Array> {
  const { train, val } = trainValSplit(makeSpirals({ pointsPerClass: 300, classes: 3, noise: 0.2, seed: 0 }), 0.2, 1);
  return { train: { x: train.x.astype("float64"), y: train.y }, val: { x: val.x.astype("float64"), y: val.y } };
}

export function curveData(): TrainValData<Matrix> {
  const { train, val } = trainValSplit(makeCurve({ n: 600, noise: 0.1, seed: 0 }), 0.2, 1);
  return { train: { x: train.x.astype("float64"), y: train.y.astype("float64") }, val: { x: val.x.astype("float64"), y: val.y.astype("float64") } };
}

/** The validation MSE of the true curve itself: what no model can beat on this data. */
export function curveNoiseFloor(val: Dataset<Matrix>): number {
  let sum = 0;
  for (let i = 0; i < val.x.rows; i++) sum += (val.y.data[i] - curveTarget(val.x.data[i])) ** 2;
  return sum / val.x.rows;
}
