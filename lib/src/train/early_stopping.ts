// Early stopping: watch one validation curve, keep a copy of the weights of its best
// epoch, stop when it has not improved for `patience` epochs, and give those weights back.
import { Matrix } from "../tensor";
import { ConfigError } from "../errors";
import type { TrainableModel, Targets } from "../models";
import { checkInt, checkKnownKeys, checkOneOf } from "../validate";

export interface EarlyStoppingOptions {
  /** Epochs without improvement of the monitored value before training stops. */
  patience: number;
  /** The validation curve to watch. Default "valLoss". */
  monitor?: "valLoss" | "valMetric";
  /** Whether lower ("min", losses, MSE) or higher ("max", accuracy) is better. Default "min". */
  mode?: "min" | "max";
}

/** Watches one validation curve, snapshots the weights at its best epoch, restores them at the end. */
export class EarlyStopper {
  private readonly state: Matrix[];
  private readonly snapshot: Array<Matrix["data"]>;
  private readonly patience: number;
  private readonly monitor: "valLoss" | "valMetric";
  private readonly sign: number;
  private best = Infinity;
  private bestEpoch = 0;

  constructor(model: TrainableModel<Targets>, options: EarlyStoppingOptions, hasVal: boolean) {
    checkKnownKeys("earlyStopping", options, ["patience", "monitor", "mode"]);
    if (!hasVal) throw new ConfigError("earlyStopping needs validation data: pass val");
    this.patience = checkInt("earlyStopping.patience", options.patience);
    this.monitor = checkOneOf("earlyStopping.monitor", options.monitor ?? "valLoss", ["valLoss", "valMetric"] as const);
    this.sign = checkOneOf("earlyStopping.mode", options.mode ?? "min", ["min", "max"] as const) === "min" ? 1 : -1;
    this.state = [...model.params(), ...model.buffers()].map((p) => p.value);
    this.snapshot = this.state.map((m) => m.data.slice());
  }

  /** Records the epoch just finished (its number and validation values); true when patience has run out. */
  shouldStop(last: { epoch: number; valLoss: number; valMetric: number }): boolean {
    const score = this.sign * last[this.monitor];
    if (score < this.best) {
      this.best = score;
      this.bestEpoch = last.epoch;
      this.state.forEach((m, i) => this.snapshot[i].set(m.data));
    }
    return last.epoch - this.bestEpoch >= this.patience;
  }

  /** Puts the weights of the best epoch back into the model; that epoch's number. */
  restoreBest(): number {
    this.state.forEach((m, i) => m.data.set(this.snapshot[i]));
    return this.bestEpoch;
  }
}
