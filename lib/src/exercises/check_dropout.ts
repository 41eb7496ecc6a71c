// E7's grader: the learner's inverted dropout, checked by its properties, since its mask
// comes from the learner's own generator: eval is the identity; in training each output is
// 0 or x/(1 − p), the kept fraction is 1 − p within binomial noise, backward uses the mask
// of the latest forward, every training call draws a new mask, the seed decides the mask,
// p = 0 and p = 0.99 behave, and an invalid p is refused.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import type { Layer } from "../layers";
import { randomMatrix } from "../testing/gradcheck";
import { CheckFailure, ErrorStats, GradeOptions, Grader, LearnerThrew, learner } from "./grader";
import { expectClose } from "./answer_comparison";
import { backwardCopy, construct, expectBackwardOverwrites, expectInputKept, forwardCopy, paramsOf } from "./layer_harness";
import { mapMatrix, scaled, times } from "./matrix_ops";
import { suspectsFor } from "./mistakes/catalogue";
import { DROPOUT_MISTAKES, DropoutCase, DropoutShows, hintFor } from "./mistakes/dropout";
import type { ExerciseReport } from "./report";
import type { DropoutClass } from "./learner_api";

/** The p of the main checks. */
const P = 0.3;
/** Standard deviations of binomial noise a kept fraction may stray from its expected value. */
const SIGMAS = 5;

/** A batch with no zero entries (so the kept set reads off the output: kept where y ≠ 0). */
function batch(rows: number, cols: number, rng: Rng): Matrix {
  return mapMatrix(randomMatrix(rows, cols, rng), (v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
}

/** 1 where y ≠ 0, else 0. */
function keptOf(y: Matrix): Matrix {
  return mapMatrix(y, (v) => (v !== 0 ? 1 : 0));
}

function fraction(kept: Matrix): number {
  let k = 0;
  for (const v of kept.data) k += v;
  return k / kept.data.length;
}

/** How far a kept fraction of n draws may be from q: SIGMAS binomial standard deviations, plus one draw. */
function fractionTolerance(q: number, n: number): number {
  return SIGMAS * Math.sqrt((q * (1 - q)) / n) + 1 / n;
}

/** Compares the learner's `got` with `expected`, offering the catalogue's mistakes that show in `shows`. */
function expectCase(
  got: Matrix,
  expected: Matrix,
  stats: ErrorStats,
  shows: DropoutShows,
  c: Omit<DropoutCase, "got">,
  what: string,
  where: string,
  hint: string,
): void {
  expectClose(got, expected, stats, { what, where, suspects: suspectsFor(DROPOUT_MISTAKES, shows, { ...c, got }), hint });
}

/** Fails unless the kept fraction is 1 − p within binomial noise; names a catalogue mistake whose fraction it matches. */
function expectKeptFraction(kept: Matrix, p: number, where: string): string {
  const n = kept.data.length;
  const got = fraction(kept);
  const tol = fractionTolerance(1 - p, n);
  if (Math.abs(got - (1 - p)) <= tol) return `kept ${got.toFixed(4)} of ${n} entries (1 − p = ${(1 - p).toFixed(2)}, tolerance ±${tol.toFixed(4)})`;
  const c: DropoutCase = { base: kept, p, kept, decoyKept: null, got: kept };
  const hit = DROPOUT_MISTAKES.filter((m) => m.shows.includes("kept fraction")).find((m) => {
    const q = m.value(c, "kept fraction")?.data[0];
    return q !== undefined && Math.abs(got - q) <= fractionTolerance(q, n);
  });
  throw new CheckFailure(
    `${where}: the forward kept ${got.toFixed(4)} of the ${n} entries; with p = ${p} about ${(1 - p).toFixed(2)} should survive (±${tol.toFixed(4)})`,
    hit?.hint ?? "each entry is dropped with probability p on its own draw, so a fraction 1 − p survives",
  );
}

export function gradeDropout(Dropout: DropoutClass, options: GradeOptions = {}): ExerciseReport {
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const g = new Grader("E7 · Dropout", `p = ${P} on a (4, 6) batch and a (200, 50) one in float64; p = 0 and p = 0.99; seeds 5 and 6`, {
    methods: ["Dropout.forward", "Dropout.backward"],
    engine: "nn.Dropout",
  });
  if (!g.requireFunction(Dropout, "Dropout", "checkDropout(Dropout)")) return g.report();
  const make = (p: number, layerSeed = 1): Layer => construct("Dropout", () => new Dropout(p, { seed: layerSeed }));
  const small = batch(4, 6, rng);
  const smallDOut = batch(4, 6, rng);
  const large = batch(200, 50, rng);
  const decoy = batch(200, 50, rng);
  const largeDOut = batch(200, 50, rng);
  const structureOk = g.check("a Layer with no params", () => {
    const params = paramsOf(make(P), "Dropout");
    if (params.length > 0) throw new CheckFailure(`Dropout.params() returned ${params.length} params`, "dropout has nothing to learn: params() returns []");
    return "as given";
  });
  if (!structureOk) return g.report();
  g.check("eval mode: forward and backward", (stats) => {
    const where = `eval, p = ${P}, (4, 6)`;
    const layer = make(P);
    const y = forwardCopy(layer, "Dropout", small, false, where);
    const none = { p: P, kept: mapMatrix(small, () => 1), decoyKept: null };
    expectCase(y, small, stats, "eval y", { ...none, base: small }, "y", where, "with { training: false } the output is the input itself");
    const dX = backwardCopy(layer, "Dropout", smallDOut, where);
    expectCase(dX, smallDOut, stats, "eval dX", { ...none, base: smallDOut }, "dX", where, "after an eval forward, backward returns dOut itself");
    expectInputKept(make(P), "Dropout", small, false, where);
  });
  g.check("training forward: what survives and its scale", (stats) => {
    const where = `training, p = ${P}, (200, 50)`;
    const layer = make(P);
    expectInputKept(layer, "Dropout", large, true, where);
    const y = forwardCopy(layer, "Dropout", large, true, where);
    const kept = keptOf(y);
    expectCase(
      y,
      scaled(times(large, kept), 1 / (1 - P)),
      stats,
      "train y",
      { base: large, p: P, kept, decoyKept: null },
      "y",
      where,
      "each output is 0 (dropped) or its x divided by (1 − p) (kept)",
    );
    return "each output 0 or x/(1 − p)";
  });
  g.check("training forward: the fraction kept", () => {
    const where = `training, p = ${P}, (200, 50)`;
    return expectKeptFraction(keptOf(forwardCopy(make(P), "Dropout", large, true, where)), P, where);
  });
  g.check("training backward: the mask of the latest forward", (stats) => {
    const where = `training, p = ${P}, (200, 50), after a decoy forward`;
    const layer = make(P);
    const decoyKept = keptOf(forwardCopy(layer, "Dropout", decoy, true, where));
    const kept = keptOf(forwardCopy(layer, "Dropout", large, true, where));
    const dX = backwardCopy(layer, "Dropout", largeDOut, where);
    expectCase(
      dX,
      scaled(times(largeDOut, kept), 1 / (1 - P)),
      stats,
      "train dX",
      { base: largeDOut, p: P, kept, decoyKept },
      "dX",
      where,
      "dX is dOut times the mask of the last forward: 0 where it dropped, dOut/(1 − p) where it kept",
    );
    expectBackwardOverwrites(layer, "Dropout", largeDOut, [], where, stats);
  });
  g.check("a new mask on every training forward", () => {
    const where = `training, p = ${P}, (200, 50), forward twice`;
    const layer = make(P);
    const first = keptOf(forwardCopy(layer, "Dropout", large, true, where));
    const second = keptOf(forwardCopy(layer, "Dropout", large, true, where));
    const same = first.data.every((v, i) => v === second.data[i]);
    if (same)
      throw new CheckFailure(
        `${where}: both calls dropped exactly the same ${first.data.length - fraction(first) * first.data.length} entries`,
        hintFor("new mask per call"),
      );
    return "the two masks differ";
  });
  g.check("p = 0: nothing dropped", (stats) => {
    const where = "training, p = 0, (4, 6)";
    const layer = make(0);
    expectClose(forwardCopy(layer, "Dropout", small, true, where), small, stats, {
      what: "y",
      where,
      hint: "with p = 0 no entry is dropped and 1/(1 − p) = 1: y = x",
    });
    expectClose(backwardCopy(layer, "Dropout", smallDOut, where), smallDOut, stats, { what: "dX", where, hint: "with p = 0, dX = dOut" });
  });
  g.check("p = 0.99: finite, few survivors", (stats) => {
    const p = 0.99;
    const where = `training, p = ${p}, (200, 50)`;
    const layer = make(p);
    const y = forwardCopy(layer, "Dropout", large, true, where);
    const kept = keptOf(y);
    expectCase(
      y,
      scaled(times(large, kept), 1 / (1 - p)),
      stats,
      "train y",
      { base: large, p, kept, decoyKept: null },
      "y",
      where,
      "each output is 0 (dropped) or its x divided by (1 − p) (kept); at p = 0.99 a survivor is 100·x",
    );
    const dX = backwardCopy(layer, "Dropout", largeDOut, where);
    expectCase(
      dX,
      scaled(times(largeDOut, kept), 1 / (1 - p)),
      stats,
      "train dX",
      { base: largeDOut, p, kept, decoyKept: null },
      "dX",
      where,
      "dX is dOut times the mask of the last forward",
    );
    return expectKeptFraction(kept, p, where);
  });
  g.check("the seed decides the mask", () => {
    const where = `training, p = ${P}, (200, 50)`;
    const mask = (layerSeed: number): Matrix => keptOf(forwardCopy(make(P, layerSeed), "Dropout", large, true, where));
    const [a, b, c] = [mask(5), mask(5), mask(6)];
    const equal = (u: Matrix, v: Matrix): boolean => u.data.every((x, i) => x === v.data[i]);
    if (!equal(a, b)) throw new CheckFailure(`${where}: two layers made with seed 5 dropped different entries on the same batch`, hintFor("seed"));
    if (equal(a, c)) throw new CheckFailure(`${where}: layers made with seeds 5 and 6 dropped the same entries`, hintFor("seed"));
    return "seed 5 twice: the same mask; seeds 5 and 6: different masks";
  });
  g.check("an invalid p is refused, naming p", () => {
    for (const p of [1, 1.5, -0.1, Number.NaN]) {
      let thrown: unknown = null;
      try {
        learner("Dropout constructor", () => new Dropout(p, { seed: 0 }));
      } catch (err) {
        if (!(err instanceof LearnerThrew)) throw err;
        thrown = err.thrown;
        if (/not implemented/i.test(String(thrown instanceof Error ? thrown.message : thrown))) throw err;
      }
      if (thrown === null) throw new CheckFailure(`new Dropout(${p}) made a layer`, hintFor("invalid p"));
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      if (!/\bp\b/.test(message))
        throw new CheckFailure(
          `new Dropout(${p}) threw "${message}", which does not name p`,
          'say which parameter is wrong and what was expected, e.g. "p must be a number in [0, 1)"',
        );
    }
    return "p = 1, 1.5, −0.1 and NaN refused";
  });
  return g.report();
}
