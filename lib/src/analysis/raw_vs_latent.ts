// Lab 2E's answer, computed from its table: for every classifier, label budget and kind of
// codes, the accuracy of codes minus that of raw pixels, paired by seed (the same seed labels
// the same images for both), its standard error, and sentences that say where codes win and
// lose. Nothing in the conclusion is written by hand, so the data cannot contradict it.
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
  seed: number;
  testAccuracy: number;
}

export interface Difference {
  /** The codes compared with raw pixels. */
  features: string;
  classifier: string;
  labels: number;
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

/** The rows of each features × classifier × labels (one per seed), in order of first appearance. */
export function groupBySetting(rows: readonly SweepRow[]): SweepRow[][] {
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const key = `${r.features}|${r.classifier}|${r.labels}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  return [...groups.values()];
}

/**
 * (codes − raw) for every features × classifier × labels that has raw rows with the same seeds.
 * @param testSize the number of test images every accuracy was measured on, for their sampling error
 */
export function differencesFromRaw(rows: readonly SweepRow[], raw: string, testSize?: number): Difference[] {
  const key = (r: { classifier: string; labels: number; seed: number }): string => `${r.classifier}|${r.labels}|${r.seed}`;
  const rawBy = new Map(rows.filter((r) => r.features === raw).map((r) => [key(r), r.testAccuracy]));
  return groupBySetting(rows.filter((r) => r.features !== raw && rawBy.has(key(r)))).map((group) => {
    const { features, classifier, labels } = group[0];
    const diffs = group.map((r) => r.testAccuracy - rawBy.get(key(r))!);
    const n = diffs.length;
    const diff = mean(diffs);
    const codes = mean(group.map((r) => r.testAccuracy));
    const rawAccuracy = mean(group.map((r) => rawBy.get(key(r))!));
    const overSeeds = n > 1 ? diffs.reduce((s, d) => s + (d - diff) ** 2, 0) / (n - 1) / n : 0;
    const overTest = testSize === undefined ? 0 : (codes * (1 - codes) + rawAccuracy * (1 - rawAccuracy)) / testSize;
    const se = Math.sqrt(overSeeds + overTest);
    const verdict = n > 1 && Math.abs(diff) > 2 * se ? (diff > 0 ? "win" : "loss") : "tie";
    return { features, classifier, labels, codes, raw: rawAccuracy, diff, se, seeds: n, verdict };
  });
}

/**
 * Sentences for the lab's conclusion: the count of wins, losses and ties, then for every
 * kind of codes and classifier the budgets where codes win or lose and by how much.
 */
export function conclusions(diffs: readonly Difference[]): string[] {
  if (diffs.length === 0) return ["There is nothing to compare: the table has no raw-pixel runs with the same seeds as a codes run."];
  const count = (v: Difference["verdict"]): number => diffs.filter((d) => d.verdict === v).length;
  const sentences = [
    `Of ${diffs.length} settings (codes × classifier × label budget), the codes beat raw pixels by more than two standard errors in ${count("win")}, ` +
      `lose by more than two standard errors in ${count("loss")}, and are within two standard errors in ${count("tie")}.`,
  ];
  const wins = diffs.filter((d) => d.verdict === "win").sort((a, b) => b.diff - a.diff);
  const losses = diffs.filter((d) => d.verdict === "loss").sort((a, b) => a.diff - b.diff);
  if (wins.length > 0) sentences.push(`The largest win: ${describe(wins[0])}.`);
  if (losses.length > 0) sentences.push(`The largest loss: ${describe(losses[0])}.`);
  for (const features of unique(diffs.map((d) => d.features))) {
    for (const classifier of unique(diffs.map((d) => d.classifier))) {
      const cells = diffs.filter((d) => d.features === features && d.classifier === classifier).sort((a, b) => a.labels - b.labels);
      if (cells.length === 0) continue;
      const parts = (["win", "loss", "tie"] as const)
        .map((v) => [v, cells.filter((d) => d.verdict === v)] as const)
        .filter(([, ds]) => ds.length > 0)
        .map(([v, ds]) => `${v === "win" ? "win" : v === "loss" ? "lose" : "no clear difference"} at ${ds.map((d) => `${labelCount(d.labels)} (${signed(d.diff)})`).join(", ")}`);
      sentences.push(`${features}, ${classifier}: ${parts.join("; ")}.`);
    }
  }
  return sentences;
}

function describe(d: Difference): string {
  return `${d.features} with ${d.classifier} at ${labelCount(d.labels)} labels, ${d.codes.toFixed(3)} vs ${d.raw.toFixed(3)} (${signed(d.diff)} ± ${d.se.toFixed(3)})`;
}

function labelCount(n: number): string {
  return n.toLocaleString("en-US");
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

const CSV_HEADER = "dataset,features,classifier,labels,seed,test_accuracy";

/** The rows of a table written by saveSweepCsv, each with its dataset; [] when there is no file. */
export function readSweepCsv(file: string): Array<SweepRow & { dataset: string }> {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  if (lines[0] !== CSV_HEADER) throw new DataError(`${file}: not a raw-vs-latent table (its header is ${JSON.stringify(lines[0])}); move it away and run Lab 2E again`);
  return lines.slice(1).map((line, i) => {
    const m = /^([^,]*),"((?:[^"]|"")*)",([^,]*),(\d+),(\d+),([-\d.eE]+)$/.exec(line);
    if (m === null) throw new DataError(`${file}: line ${i + 2} is not dataset,"features",classifier,labels,seed,test_accuracy: ${JSON.stringify(line)}`);
    return { dataset: m[1], features: m[2].replace(/""/g, '"'), classifier: m[3], labels: Number(m[4]), seed: Number(m[5]), testAccuracy: Number(m[6]) };
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
  const body = all.map((r) => [r.dataset, quote(r.features), r.classifier, r.labels, r.seed, r.testAccuracy.toFixed(6)].join(","));
  writeFileAtomic(file, [CSV_HEADER, ...body].join("\n") + "\n");
}
