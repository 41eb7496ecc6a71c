// Do codes resist label noise better than raw pixels? For every kind of codes, classifier and
// label budget run both with clean labels and with a fraction of them wrong: how much accuracy
// each feature set loses to the noise, and the difference of those losses, paired by seed
// ((codes − raw) with noise minus (codes − raw) clean, the same images and the same wrong labels
// for both), with the two-standard-error rule of differencesFromRaw.
import type { SweepRow } from "./sweep_table";
import { labelCount, mean, percent, signed, unique } from "./sweep_conclusions";

export interface NoiseRobustness {
  /** The codes compared with raw pixels. */
  features: string;
  classifier: string;
  labels: number;
  /** The noisy rate compared with clean labels. */
  labelNoise: number;
  /** Mean accuracy lost to the noise (clean − noisy), over seeds. */
  rawDrop: number;
  codesDrop: number;
  /** Mean over seeds of rawDrop − codesDrop (> 0: the codes lose less), and its standard error. */
  advantage: number;
  se: number;
  seeds: number;
  /** "codes" / "raw" when |advantage| > 2·se with at least two seeds (the one that loses less), else "tie". */
  verdict: "codes" | "raw" | "tie";
}

/**
 * For every codes × classifier × labels with runs clean and at `labelNoise`, and raw-pixel runs at
 * both with the same seeds: the accuracy each loses to the noise and the paired difference.
 * @param testSize the number of test images, for the four accuracies' sampling error (binomial,
 *   added as if independent, which overstates it for paired runs, as in differencesFromRaw)
 */
export function noiseRobustness(rows: readonly SweepRow[], raw: string, labelNoise: number, testSize?: number): NoiseRobustness[] {
  const key = (r: SweepRow, noise: number): string => `${r.features}|${r.classifier}|${r.labels}|${noise}|${r.seed}`;
  const accuracy = new Map(rows.map((r) => [key(r, r.labelNoise), r.testAccuracy]));
  const get = (r: SweepRow, features: string, noise: number): number | undefined => accuracy.get(key({ ...r, features }, noise));
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    if (r.features === raw || r.labelNoise !== 0 || labelNoise === 0) continue;
    if ([get(r, r.features, labelNoise), get(r, raw, 0), get(r, raw, labelNoise)].includes(undefined)) continue;
    const g = `${r.features}|${r.classifier}|${r.labels}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const { features, classifier, labels } = group[0];
    const codesClean = group.map((r) => r.testAccuracy);
    const codesNoisy = group.map((r) => get(r, features, labelNoise)!);
    const rawClean = group.map((r) => get(r, raw, 0)!);
    const rawNoisy = group.map((r) => get(r, raw, labelNoise)!);
    const perSeed = group.map((_, s) => rawClean[s] - rawNoisy[s] - (codesClean[s] - codesNoisy[s]));
    const n = perSeed.length;
    const advantage = mean(perSeed);
    const overSeeds = n > 1 ? perSeed.reduce((sum, d) => sum + (d - advantage) ** 2, 0) / (n - 1) / n : 0;
    const binomial = (xs: number[]): number => mean(xs) * (1 - mean(xs));
    const overTest = testSize === undefined ? 0 : [codesClean, codesNoisy, rawClean, rawNoisy].reduce((sum, xs) => sum + binomial(xs), 0) / testSize;
    const se = Math.sqrt(overSeeds + overTest);
    const verdict = n > 1 && Math.abs(advantage) > 2 * se ? (advantage > 0 ? "codes" : "raw") : "tie";
    return {
      features,
      classifier,
      labels,
      labelNoise,
      seeds: n,
      advantage,
      se,
      verdict,
      rawDrop: mean(rawClean) - mean(rawNoisy),
      codesDrop: mean(codesClean) - mean(codesNoisy),
    };
  });
}

/**
 * Sentences that answer "do codes resist label noise better than raw pixels?" from
 * noiseRobustness: the counts, the average losses, the clearest cases, and per kind of codes
 * and classifier the budgets where one side loses clearly less.
 */
export function noiseConclusions(results: readonly NoiseRobustness[]): string[] {
  if (results.length === 0)
    return ["Label noise: the table has no setting run both with clean and with noisy labels, for the codes and for raw pixels with the same seeds."];
  const sentences: string[] = [];
  for (const noise of unique(results.map((r) => r.labelNoise)).sort((a, b) => a - b)) {
    const at = results.filter((r) => r.labelNoise === noise);
    const count = (v: NoiseRobustness["verdict"]): number => at.filter((r) => r.verdict === v).length;
    sentences.push(
      `With ${percent(noise)} of the labels wrong, raw pixels lose ${mean(at.map((r) => r.rawDrop)).toFixed(3)} test accuracy on average and the codes ` +
        `${mean(at.map((r) => r.codesDrop)).toFixed(3)}, over ${at.length} settings (codes × classifier × label budget); the codes lose less than raw pixels ` +
        `by more than two standard errors in ${count("codes")}, more in ${count("raw")}, and within two standard errors in ${count("tie")}.`,
    );
    const majority = at.length / 2;
    sentences.push(
      count("codes") > majority
        ? `So at ${percent(noise)} the codes resist label noise better than raw pixels in most settings.`
        : count("raw") > majority
          ? `So at ${percent(noise)} raw pixels resist label noise better than the codes in most settings.`
          : count("tie") > majority
            ? `So at ${percent(noise)} neither resists label noise clearly better in most settings.`
            : `So at ${percent(noise)} the answer depends on the setting.`,
    );
    const best = [...at].sort((a, b) => b.advantage - a.advantage);
    if (best[0].verdict === "codes") sentences.push(`The codes' clearest gain: ${describe(best[0])}.`);
    if (best[best.length - 1].verdict === "raw") sentences.push(`Raw pixels' clearest gain: ${describe(best[best.length - 1])}.`);
    for (const features of unique(at.map((r) => r.features))) {
      for (const classifier of unique(at.map((r) => r.classifier))) {
        const cells = at.filter((r) => r.features === features && r.classifier === classifier).sort((a, b) => a.labels - b.labels);
        if (cells.length === 0) continue;
        const parts = (["codes", "raw", "tie"] as const)
          .map((v) => [v, cells.filter((r) => r.verdict === v)] as const)
          .filter(([, rs]) => rs.length > 0)
          .map(
            ([v, rs]) =>
              `${v === "codes" ? "codes lose less" : v === "raw" ? "raw pixels lose less" : "no clear difference"} at ${rs.map((r) => `${labelCount(r.labels)} (${signed(r.advantage)})`).join(", ")}`,
          );
        sentences.push(`${features}, ${classifier}, ${percent(noise)} wrong: ${parts.join("; ")}.`);
      }
    }
  }
  return sentences;
}

function describe(r: NoiseRobustness): string {
  return `${r.features} with ${r.classifier} at ${labelCount(r.labels)} labels, raw pixels lose ${r.rawDrop.toFixed(3)} and the codes ${r.codesDrop.toFixed(3)} (${signed(r.advantage)} ± ${r.se.toFixed(3)})`;
}
