// The training history: the per-epoch curves fit returns and hands to onEpoch. A leaf
// module (it imports nothing), so training, checkpoints and charts can all share it.

/**
 * Per-epoch curves. Train values are the mean over the epoch's mini-batches in training
 * mode (what Keras and most PyTorch loops report); val values are one pass in eval mode.
 * Losses are the objective SGD minimises: the data loss plus the L2 term λ/2·Σ‖W‖²
 * (as Keras reports them); metrics are the plain data metric (accuracy, MSE).
 */
export interface History {
  metricName: string;
  epoch: number[];
  trainLoss: number[];
  trainMetric: number[];
  valLoss: number[];
  valMetric: number[];
  /** Wall time of each epoch in seconds, training and validation included. */
  seconds: number[];
  /** The learning rate of each epoch. */
  lr: number[];
  /** With early stopping: the epoch whose weights the model has at the end. */
  bestEpoch?: number;
  /** With early stopping: whether it stopped before `epochs`. */
  stoppedEarly?: boolean;
}

/** Where fit stands when it calls onEpoch. */
export interface EpochProgress {
  /** The epochs asked for. */
  epochs: number;
  /** No epoch follows: this was the last one asked for, or early stopping ends the run here. */
  last: boolean;
}

/** The values of one epoch. */
export interface EpochValues {
  epoch: number;
  trainLoss: number;
  trainMetric: number;
  valLoss: number;
  valMetric: number;
}

/** The values of the last epoch of a history (NaN where a curve is empty). */
export function lastEpoch(history: History): EpochValues {
  const last = (values: number[]): number => (values.length > 0 ? values[values.length - 1] : NaN);
  return {
    epoch: last(history.epoch),
    trainLoss: last(history.trainLoss),
    trainMetric: last(history.trainMetric),
    valLoss: last(history.valLoss),
    valMetric: last(history.valMetric),
  };
}
