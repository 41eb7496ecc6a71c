// Lab 2E's answer, computed from its table: for every classifier, label budget, label noise and
// kind of codes, the accuracy of codes minus that of raw pixels, paired by seed (the same seed
// labels the same images, with the same wrong labels, for both), its standard error, and
// sentences that say where codes win and lose, and whether they resist noisy labels better
// (noise_robustness.ts). Nothing in the conclusion is written by hand, so the data cannot
// contradict it.
// NOTE: every run is scored on the same test images, so the spread over seeds says nothing
// about the test set's own sampling error (with all labels, k-NN gives the same result for
// every seed: a spread of 0). Given the test set's size, that error is added (binomial,
// as if the two accuracies were independent, which overstates it for paired runs).
import { SweepRow, groupBySetting } from "./sweep_table";

export interface Difference {
  /** The codes compared with raw pixels. */
  features: string;
  classifier: string;
  labels: number;
  labelNoise: number;
  /** Mean accuracy over seeds. */
  codes: number;
  raw: number;
  /** Mean over seeds of (codes − raw), and its standard error (over seeds, plus the test set's when its size is given). */
  diff: number;
  se: number;
  seeds: number;
  /** "win" / "loss" when |diff| > 2·se with at least two seeds, else "tie". */
  verdict: "win" | "loss" | "tie";
}

/**
 * (codes − raw) for every features × classifier × labels × noise that has raw rows with the same seeds.
 * @param testSize the number of test images every accuracy was measured on, for their sampling error
 */
export function differencesFromRaw(rows: readonly SweepRow[], raw: string, testSize?: number): Difference[] {
  const key = (r: { classifier: string; labels: number; labelNoise: number; seed: number }): string => `${r.classifier}|${r.labels}|${r.labelNoise}|${r.seed}`;
  const rawBy = new Map(rows.filter((r) => r.features === raw).map((r) => [key(r), r.testAccuracy]));
  return groupBySetting(rows.filter((r) => r.features !== raw && rawBy.has(key(r)))).map((group) => {
    const { features, classifier, labels, labelNoise } = group[0];
    const diffs = group.map((r) => r.testAccuracy - rawBy.get(key(r))!);
    const n = diffs.length;
    const diff = mean(diffs);
    const codes = mean(group.map((r) => r.testAccuracy));
    const rawAccuracy = mean(group.map((r) => rawBy.get(key(r))!));
    const overSeeds = n > 1 ? diffs.reduce((s, d) => s + (d - diff) ** 2, 0) / (n - 1) / n : 0;
    const overTest = testSize === undefined ? 0 : (codes * (1 - codes) + rawAccuracy * (1 - rawAccuracy)) / testSize;
    const se = Math.sqrt(overSeeds + overTest);
    const verdict = n > 1 && Math.abs(diff) > 2 * se ? (diff > 0 ? "win" : "loss") : "tie";
    return { features, classifier, labels, labelNoise, codes, raw: rawAccuracy, diff, se, seeds: n, verdict };
  });
}

/**
 * Sentences for the lab's conclusion: the count of wins, losses and ties (per noise level when
 * the table has noisy labels), the largest win and loss, then for every kind of codes and
 * classifier the budgets where codes win or lose with clean labels, and by how much.
 */
export function conclusions(diffs: readonly Difference[]): string[] {
  if (diffs.length === 0) return ["There is nothing to compare: the table has no raw-pixel runs with the same seeds as a codes run."];
  const noiseLevels = unique(diffs.map((d) => d.labelNoise)).sort((a, b) => a - b);
  const sentences = noiseLevels.map((noise) => {
    const at = diffs.filter((d) => d.labelNoise === noise);
    const count = (v: Difference["verdict"]): number => at.filter((d) => d.verdict === v).length;
    const prefix =
      noiseLevels.length === 1 && noise === 0 ? "Of" : `${noise === 0 ? "With clean labels, of" : `With ${percent(noise)} of the labels wrong, of`}`;
    return (
      `${prefix} ${at.length} settings (codes × classifier × label budget), the codes beat raw pixels by more than two standard errors in ${count("win")}, ` +
      `lose by more than two standard errors in ${count("loss")}, and are within two standard errors in ${count("tie")}.`
    );
  });
  const wins = diffs.filter((d) => d.verdict === "win").sort((a, b) => b.diff - a.diff);
  const losses = diffs.filter((d) => d.verdict === "loss").sort((a, b) => a.diff - b.diff);
  if (wins.length > 0) sentences.push(`The largest win: ${describe(wins[0])}.`);
  if (losses.length > 0) sentences.push(`The largest loss: ${describe(losses[0])}.`);
  const clean = diffs.filter((d) => d.labelNoise === 0);
  for (const features of unique(clean.map((d) => d.features))) {
    for (const classifier of unique(clean.map((d) => d.classifier))) {
      const cells = clean.filter((d) => d.features === features && d.classifier === classifier).sort((a, b) => a.labels - b.labels);
      if (cells.length === 0) continue;
      const parts = (["win", "loss", "tie"] as const)
        .map((v) => [v, cells.filter((d) => d.verdict === v)] as const)
        .filter(([, ds]) => ds.length > 0)
        .map(
          ([v, ds]) =>
            `${v === "win" ? "win" : v === "loss" ? "lose" : "no clear difference"} at ${ds.map((d) => `${labelCount(d.labels)} (${signed(d.diff)})`).join(", ")}`,
        );
      sentences.push(`${features}, ${classifier}${noiseLevels.length > 1 ? " (clean labels)" : ""}: ${parts.join("; ")}.`);
    }
  }
  return sentences;
}

function describe(d: Difference): string {
  const noise = d.labelNoise > 0 ? ` (${percent(d.labelNoise)} wrong)` : "";
  return `${d.features} with ${d.classifier} at ${labelCount(d.labels)} labels${noise}, ${d.codes.toFixed(3)} vs ${d.raw.toFixed(3)} (${signed(d.diff)} ± ${d.se.toFixed(3)})`;
}

/** A label-noise rate as a percentage, e.g. 0.4 → "40 %". */
export function percent(rate: number): string {
  return `${+(rate * 100).toFixed(1)} %`;
}

export function labelCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function signed(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
