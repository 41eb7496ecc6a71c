// Live learning curves: a chart in the notebook that redraws itself after every epoch
// (like tfjs-vis, but in Jupyter), leaving the final curves in the saved notebook.
import type { EpochProgress, History } from "../training_history";
import { inNotebook, updatableOutput } from "../notebook";
import { progressUpdateAllowed } from "../notebook_send_budget";
import { learningCurves } from "./charts";
import { figureHtml } from "./plotly";

export interface LiveCurves {
  /** Redraws with `history` as the curves of run `name` (default "run"). */
  update(history: History, name?: string): void;
  /**
   * An onEpoch for fit that redraws run `name` after its first and last epochs and in
   * between at most every `minSeconds`: short epochs would otherwise send the browser more
   * charts than it can draw, and it would fall behind the training it shows.
   */
  follow(name?: string, minSeconds?: number): (history: History, progress: EpochProgress) => void;
}

/**
 * A chart of the train and validation curves ("loss" or the metric) of one or more runs,
 * redrawn in place. Outside a notebook it does nothing.
 */
export function liveCurves(which: "loss" | "metric", title: string, height = 380): LiveCurves {
  if (!inNotebook()) return { update: () => undefined, follow: () => () => undefined };
  const display = updatableOutput();
  const runs: Record<string, History> = {};
  const update = (history: History, name = "run"): void => {
    // A copy: fit keeps appending to the same history object.
    runs[name] = {
      ...history,
      epoch: [...history.epoch],
      trainLoss: [...history.trainLoss],
      trainMetric: [...history.trainMetric],
      valLoss: [...history.valLoss],
      valMetric: [...history.valMetric],
    };
    // A long synchronous cell can send only so many messages (notebook_send_budget.ts): the chart then stops redrawing.
    if (progressUpdateAllowed()) display.html(figureHtml(learningCurves(runs, which, title), height));
  };
  return {
    update,
    follow: (name = "run", minSeconds = 0.25) => throttledEpochs((history) => update(history, name), minSeconds),
  };
}

/**
 * An onEpoch that calls `draw` after the first and the last epoch, and in between only when
 * `minSeconds` have passed since the last call (`clock` in seconds; exported for tests).
 */
export function throttledEpochs(
  draw: (history: History) => void,
  minSeconds: number,
  clock = () => performance.now() / 1000,
): (history: History, progress: EpochProgress) => void {
  let drawnAt = -Infinity;
  return (history, progress) => {
    const now = clock();
    if (history.epoch.length > 1 && !progress.last && now - drawnAt < minSeconds) return;
    draw(history);
    drawnAt = now;
  };
}
