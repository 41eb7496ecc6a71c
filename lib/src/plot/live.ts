// Live learning curves: a chart in the notebook that redraws itself after every epoch
// (like tfjs-vis, but in Jupyter), leaving the final curves in the saved notebook.
import type { History } from "../train/trainer";
import { inNotebook, updatableOutput } from "../notebook";
import { learningCurves } from "./charts";
import { figureHtml } from "./plotly";

export interface LiveCurves {
  /** Call after every epoch (fits fit's onEpoch); `name` picks the run when there are several. */
  update(history: History, name?: string): void;
}

/**
 * A chart of the train and validation curves ("loss" or the metric) of one or more runs,
 * redrawn in place. Outside a notebook it does nothing.
 */
export function liveCurves(which: "loss" | "metric", title: string, height = 380): LiveCurves {
  if (!inNotebook()) return { update: () => undefined };
  const display = updatableOutput();
  const runs: Record<string, History> = {};
  return {
    update(history, name = "run") {
      // A copy: fit keeps appending to the same history object.
      runs[name] = { ...history, epoch: [...history.epoch], trainLoss: [...history.trainLoss], trainMetric: [...history.trainMetric], valLoss: [...history.valLoss], valMetric: [...history.valMetric] };
      display.html(figureHtml(learningCurves(runs, which, title), height));
    },
  };
}
