// Live progress of training runs: one line per run, updated in place after every epoch,
// in the notebook (a display that each update replaces) and, for headless runs, in the
// terminal. The final line stays, so saved reports show how each run ended.
import { inNotebook, terminalLine, updatableOutput, KernelDisplay } from "../notebook";
import type { History } from "./trainer";

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

/** The text of one progress line (exported for tests). */
export function progressText(label: string, totalEpochs: number, h: History): string {
  const i = h.epoch.length - 1;
  const perEpoch = h.seconds.reduce((a, b) => a + b, 0) / h.seconds.length;
  const remaining = (totalEpochs - h.epoch[i]) * perEpoch;
  const val = h.valLoss.length > 0 ? ` val ${h.metricName} ${fmt(h.valMetric[i])}` : "";
  return `${label} | epoch ${h.epoch[i]}/${totalEpochs} | train ${h.metricName} ${fmt(h.trainMetric[i])}${val} | ${perEpoch.toFixed(1)} s/epoch, ETA ≤ ${Math.round(remaining)} s`;
}

/** A progress line for one run of at most `totalEpochs` epochs. */
export function progressLine(label: string, totalEpochs: number): ProgressLine {
  const out = targets();
  const show = (text: string, final: boolean): void => {
    out.display?.text(text);
    if (out.terminal) terminalLine(text, out.inPlace, final);
  };
  return {
    epoch: (history) => show(progressText(label, totalEpochs, history), false),
    finish: (text) => show(`${label} | ${text}`, true),
  };
}
