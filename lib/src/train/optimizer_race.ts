// Which run reached a target validation score first: the numbers and the sentence Lab 1
// prints under its optimiser comparison, computed from the histories, not written by hand.
import { ConfigError } from "../errors";
import type { History } from "../training_history";

/** One run of a race: the epoch it first reached the target (null: never) and its best value. */
export interface RaceEntry {
  name: string;
  /** The first epoch whose validation metric reached the target, or null. */
  epochs: number | null;
  /** The best validation metric of the run (highest accuracy, lowest MSE). */
  best: number;
  /** Epochs the run trained. */
  trained: number;
}

/** Whether higher is better for a history's metric: accuracy yes, MSE and losses no. */
function higherIsBetter(history: History): boolean {
  return history.metricName === "accuracy";
}

function valCurve(name: string, history: History): number[] {
  if (history.valMetric.length === 0) throw new ConfigError(`run ${JSON.stringify(name)} has no validation curve (train it with fit's val)`);
  return history.valMetric;
}

/**
 * The first epoch whose validation metric reached `target` (≥ for accuracy, ≤ for MSE), or
 * null when none did. Epochs count from 1, as history.epoch does.
 */
export function epochsToTarget(history: History, target: number, name = "run"): number | null {
  if (typeof target !== "number" || !Number.isFinite(target)) throw new ConfigError(`target must be a finite number (got ${String(target)})`);
  const up = higherIsBetter(history);
  const i = valCurve(name, history).findIndex((v) => (up ? v >= target : v <= target));
  return i < 0 ? null : history.epoch[i];
}

/** Every run's epochs to `target` and best value, fastest first (ties and runs that never reached it keep the order of `runs`). */
export function optimizerRace(runs: Record<string, History>, target: number): RaceEntry[] {
  const names = Object.keys(runs);
  if (names.length === 0) throw new ConfigError("optimizerRace needs at least one run");
  const entries = names.map((name) => {
    const history = runs[name];
    const curve = valCurve(name, history);
    const best = higherIsBetter(history) ? Math.max(...curve) : Math.min(...curve);
    return { name, epochs: epochsToTarget(history, target, name), best, trained: history.epoch.length };
  });
  const rank = (e: RaceEntry): number => e.epochs ?? Infinity;
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map(({ e }) => e);
}

/** "A", "A and B", "A, B and C". */
function listOf(names: string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

const plural = (n: number): string => `${n} epoch${n === 1 ? "" : "s"}`;

/**
 * One or two sentences on a race, e.g. "Adam reached 95% validation accuracy first, after
 * 12 epochs; then RMSProp (20) and SGD + momentum (41). SGD (best 93.3%) never did in 100 epochs."
 * Ties are named together; a race nobody won says who came closest.
 */
export function describeRace(runs: Record<string, History>, target: number): string {
  const entries = optimizerRace(runs, target);
  const accuracy = higherIsBetter(runs[entries[0].name]);
  const value = (v: number): string => (accuracy ? `${+(100 * v).toFixed(1)}%` : v.toPrecision(3));
  const goal = accuracy ? `${value(target)} validation accuracy` : `a validation ${runs[entries[0].name].metricName} of ${value(target)}`;
  const reached = entries.filter((e) => e.epochs !== null);
  const missed = entries.filter((e) => e.epochs === null);
  if (reached.length === 0) {
    const bestOf = accuracy ? Math.max(...entries.map((e) => e.best)) : Math.min(...entries.map((e) => e.best));
    const closest = entries.filter((e) => e.best === bestOf).map((e) => e.name);
    return `No run reached ${goal}; the closest was ${listOf(closest)} at ${value(bestOf)}.`;
  }
  const firstEpochs = reached[0].epochs!;
  const first = reached.filter((e) => e.epochs === firstEpochs).map((e) => e.name);
  const rest = reached.slice(first.length);
  const together = first.length === 2 ? "both " : first.length > 2 ? "all " : "";
  const lead = reached.length === 1 && missed.length > 0 ? `Only ${first[0]} reached ${goal},` : `${listOf(first)} reached ${goal} first,`;
  let text = `${lead} ${together}after ${plural(firstEpochs)}`;
  if (rest.length > 0) text += `; then ${listOf(rest.map((e) => `${e.name} (${e.epochs})`))}`;
  text += ".";
  if (missed.length > 0) {
    const sameSpan = new Set(missed.map((e) => e.trained)).size === 1;
    const bests = missed.map((e) => `${e.name} (best ${value(e.best)}${sameSpan ? "" : ` in ${plural(e.trained)}`})`);
    text += ` ${listOf(bests)} never did${sameSpan ? ` in ${plural(missed[0].trained)}` : ""}.`;
  }
  return text;
}
