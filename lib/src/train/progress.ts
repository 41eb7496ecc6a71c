// Live progress of training runs: one line per run, updated in place after every epoch,
// in the notebook (a display that each update replaces) and, for headless runs, in the
// terminal. The final line stays, so saved reports show how each run ended.
import { inNotebook, terminalLine, updatableOutput, KernelDisplay } from "../notebook";
import type { History } from "../training_history";
import { progressUpdateAllowed } from "../notebook_send_budget";

export interface ProgressLine {
  /** Call after every epoch (fits fit's onEpoch). */
  epoch(history: History): void;
  /** Replaces the line with a final one. */
  finish(text: string): void;
}

/** Where progress goes: the notebook, the terminal, both, or nowhere (tests). */
function targets(): { display: KernelDisplay | null; terminal: boolean; inPlace: boolean } {
  const notebook = inNotebook();
  // The headless runner asks for terminal lines; a script in a terminal gets them too.
  const terminal = process.env.NNFS_TERMINAL_PROGRESS === "1" || (!notebook && process.stderr.isTTY === true);
  return { display: notebook ? updatableOutput() : null, terminal, inPlace: !notebook && process.stderr.isTTY === true };
}

const fmt = (v: number | undefined): string => (v === undefined ? "-" : v < 0.01 ? v.toExponential(3) : v.toFixed(4));

/** The text of one progress line after the label (exported for tests). */
export function progressText(totalEpochs: number, h: History): string {
  const i = h.epoch.length - 1;
  const perEpoch = h.seconds.reduce((a, b) => a + b, 0) / h.seconds.length;
  const remaining = (totalEpochs - h.epoch[i]) * perEpoch;
  const val = h.valLoss.length > 0 ? ` val ${h.metricName} ${fmt(h.valMetric[i])}` : "";
  return `epoch ${h.epoch[i]}/${totalEpochs} | train ${h.metricName} ${fmt(h.trainMetric[i])}${val} | ${perEpoch.toFixed(1)} s/epoch, ETA ≤ ${Math.round(remaining)} s`;
}

export interface LiveLine {
  /** Replaces the line's text. */
  update(text: string): void;
  /** Replaces it a last time (in a terminal, moves on to a new line). */
  finish(text: string): void;
}

/** One line of text that each update replaces, in the notebook and/or the terminal. */
export function liveLine(label: string): LiveLine {
  const out = targets();
  const show = (text: string, final: boolean): void => {
    // A long synchronous cell can send only so many messages (notebook_send_budget.ts): past that, only final lines.
    if (final || progressUpdateAllowed()) out.display?.text(`${label} | ${text}`);
    if (out.terminal) terminalLine(`${label} | ${text}`, out.inPlace, final);
  };
  return { update: (text) => show(text, false), finish: (text) => show(text, true) };
}

/** A progress line for one training run of at most `totalEpochs` epochs. */
export function progressLine(label: string, totalEpochs: number): ProgressLine {
  const line = liveLine(label);
  return {
    epoch: (history) => line.update(progressText(totalEpochs, history)),
    finish: (text) => line.finish(text),
  };
}
