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
import * as fs from "fs";
import { DataError } from "../errors";
import { writeFileAtomic } from "../paths";

/** One run of the sweep: a row of the long-format table outputs/raw_vs_latent.csv. */
export interface SweepRow {
  features: string;
  classifier: string;
  labels: number;
  /** Fraction of the labelled images (and of the validation images) given a wrong label; 0: clean. */
  labelNoise: number;
  seed: number;
  testAccuracy: number;
}

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

/** The rows of each features × classifier × labels × noise (one per seed), in order of first appearance. */
export function groupBySetting(rows: readonly SweepRow[]): SweepRow[][] {
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const key = `${r.features}|${r.classifier}|${r.labels}|${r.labelNoise}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  return [...groups.values()];
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
    const prefix = noiseLevels.length === 1 && noise === 0 ? "Of" : `${noise === 0 ? "With clean labels, of" : `With ${percent(noise)} of the labels wrong, of`}`;
    return `${prefix} ${at.length} settings (codes × classifier × label budget), the codes beat raw pixels by more than two standard errors in ${count("win")}, ` +
      `lose by more than two standard errors in ${count("loss")}, and are within two standard errors in ${count("tie")}.`;
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
        .map(([v, ds]) => `${v === "win" ? "win" : v === "loss" ? "lose" : "no clear difference"} at ${ds.map((d) => `${labelCount(d.labels)} (${signed(d.diff)})`).join(", ")}`);
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

const CSV_HEADER = "dataset,features,classifier,labels,label_noise,seed,test_accuracy";
/** The header before the label-noise axis: its rows read as clean labels. */
const CSV_HEADER_CLEAN = "dataset,features,classifier,labels,seed,test_accuracy";

/** The rows of a table written by saveSweepCsv, each with its dataset; [] when there is no file. Tables without label_noise read as 0. */
export function readSweepCsv(file: string): Array<SweepRow & { dataset: string }> {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  const noisy = lines[0] === CSV_HEADER;
  if (!noisy && lines[0] !== CSV_HEADER_CLEAN) throw new DataError(`${file}: not a raw-vs-latent table (its header is ${JSON.stringify(lines[0])}); move it away and run Lab 2E again`);
  const pattern = noisy ? /^([^,]*),"((?:[^"]|"")*)",([^,]*),(\d+),([\d.eE+-]+),(\d+),([-\d.eE]+)$/ : /^([^,]*),"((?:[^"]|"")*)",([^,]*),(\d+),()(\d+),([-\d.eE]+)$/;
  return lines.slice(1).map((line, i) => {
    const m = pattern.exec(line);
    if (m === null) throw new DataError(`${file}: line ${i + 2} is not ${lines[0].replace("features", '"features"')}: ${JSON.stringify(line)}`);
    const labelNoise = noisy ? Number(m[5]) : 0;
    if (!(labelNoise >= 0 && labelNoise <= 1)) throw new DataError(`${file}: line ${i + 2} has label_noise ${m[5]}, expected a fraction in [0, 1]`);
    return { dataset: m[1], features: m[2].replace(/""/g, '"'), classifier: m[3], labels: Number(m[4]), labelNoise, seed: Number(m[6]), testAccuracy: Number(m[7]) };
  });
}

/**
 * Writes the sweep of one dataset into the long-format table `file` (atomically), keeping the
 * rows of other datasets already there, so runs on Fashion-MNIST and on MNIST share one table.
 */
export function saveSweepCsv(file: string, dataset: string, rows: readonly SweepRow[]): void {
  const kept = readSweepCsv(file).filter((r) => r.dataset !== dataset);
  const all = [...kept, ...rows.map((r) => ({ ...r, dataset }))];
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const body = all.map((r) => [r.dataset, quote(r.features), r.classifier, r.labels, r.labelNoise, r.seed, r.testAccuracy.toFixed(6)].join(","));
  writeFileAtomic(file, [CSV_HEADER, ...body].join("\n") + "\n");
}
