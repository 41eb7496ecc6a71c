// The raw-vs-latent sweep as a table: one row per run (outputs/raw_vs_latent.csv, long
// format), its groups of seeds, and the pivot Lab 2E prints.
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

const CSV_HEADER = "dataset,features,classifier,labels,label_noise,seed,test_accuracy";
/** The header before the label-noise axis: its rows read as clean labels. */
const CSV_HEADER_CLEAN = "dataset,features,classifier,labels,seed,test_accuracy";

/** The rows of a table written by saveSweepCsv, each with its dataset; [] when there is no file. Tables without label_noise read as 0. */
export function readSweepCsv(file: string): Array<SweepRow & { dataset: string }> {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  const noisy = lines[0] === CSV_HEADER;
  if (!noisy && lines[0] !== CSV_HEADER_CLEAN)
    throw new DataError(`${file}: not a raw-vs-latent table (its header is ${JSON.stringify(lines[0])}); move it away and run Lab 2E again`);
  const pattern = noisy
    ? /^([^,]*),"((?:[^"]|"")*)",([^,]*),(\d+),([\d.eE+-]+),(\d+),([-\d.eE]+)$/
    : /^([^,]*),"((?:[^"]|"")*)",([^,]*),(\d+),()(\d+),([-\d.eE]+)$/;
  return lines.slice(1).map((line, i) => {
    const m = pattern.exec(line);
    if (m === null) throw new DataError(`${file}: line ${i + 2} is not ${lines[0].replace("features", '"features"')}: ${JSON.stringify(line)}`);
    const labelNoise = noisy ? Number(m[5]) : 0;
    if (!(labelNoise >= 0 && labelNoise <= 1)) throw new DataError(`${file}: line ${i + 2} has label_noise ${m[5]}, expected a fraction in [0, 1]`);
    return {
      dataset: m[1],
      features: m[2].replace(/""/g, '"'),
      classifier: m[3],
      labels: Number(m[4]),
      labelNoise,
      seed: Number(m[6]),
      testAccuracy: Number(m[7]),
    };
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

/** One setting of the sweep over its seeds. */
export interface SweepSummary {
  features: string;
  classifier: string;
  labels: number;
  labelNoise: number;
  mean: number;
  std: number;
  seeds: number;
}

/** Mean and sample standard deviation over seeds, per features × classifier × labels × noise. */
export function summarizeSweep(rows: readonly SweepRow[]): SweepSummary[] {
  return groupBySetting(rows).map((g) => {
    const acc = g.map((r) => r.testAccuracy);
    const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
    const std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, acc.length - 1));
    return { features: g[0].features, classifier: g[0].classifier, labels: g[0].labels, labelNoise: g[0].labelNoise, mean, std, seeds: acc.length };
  });
}

/** What sweepPivot puts in its rows and columns, in this order. */
export interface SweepPivotLayout {
  classifiers: readonly string[];
  labelNoise: readonly number[];
  /** The feature sets, one column each. */
  features: readonly string[];
}

/**
 * Lab 2E's table: a row per classifier × label noise × label count that has runs (counts in
 * increasing order), a column per feature set holding "mean ± std" of the test accuracy over
 * seeds, "" where that feature set has no run.
 */
export function sweepPivot(rows: readonly SweepRow[], layout: SweepPivotLayout): Array<Record<string, string | number>> {
  const summary = summarizeSweep(rows);
  const find = (features: string | null, classifier: string, labels: number, labelNoise: number): SweepSummary | undefined =>
    summary.find((s) => (features === null || s.features === features) && s.classifier === classifier && s.labels === labels && s.labelNoise === labelNoise);
  const counts = [...new Set(rows.map((r) => r.labels))].sort((a, b) => a - b);
  return layout.classifiers.flatMap((classifier) =>
    layout.labelNoise.flatMap((noise) =>
      counts
        .filter((n) => find(null, classifier, n, noise) !== undefined)
        .map((n) => {
          const cells = layout.features.map((f) => {
            const s = find(f, classifier, n, noise);
            return [f, s ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : ""];
          });
          return { classifier, "label noise": `${Math.round(noise * 100)} %`, labels: n, ...Object.fromEntries(cells) };
        }),
    ),
  );
}
