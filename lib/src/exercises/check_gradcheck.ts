// E0's grader: the learner's gradient checker (centred differences, relative error, and a
// layer's dX through f = Σ y·R) against the engine's own numericalGradient, and on layers
// the grader brings: correct ones it must pass and broken ones it must flag.
// A checker that hands its work to nn.gradcheck is noted by gradcheck_engine_probe.ts; the
// wrong numeric gradients it is compared with are in gradcheck_mistakes.ts.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer, Linear as ReferenceLinear, Sigmoid as ReferenceSigmoid } from "../layers";
import { randomMatrix, relError } from "../testing/gradcheck";
import { CheckFailure, ErrorStats, GradeOptions, Grader, learner, sci } from "./grader";
import { Suspect, asMatrix, describeValue, expectClose } from "./answer_comparison";
import { mapMatrix } from "./matrix_ops";
import { ForgetfulSigmoid, ReversedColumns, Spy, isConstant, referenceGradient, sumYR, testFunctions, total } from "./gradcheck_fixtures";
import { gradcheckEngineProbe } from "./gradcheck_engine_probe";
import { H, ROUND_OFF_HINT, describeChange, numericSuspects } from "./gradcheck_mistakes";
import type { ExerciseReport } from "./report";

/** What checkLayerDX returns: backward(R), the centred differences of f = Σ y·R, and their relative error. */
export interface LayerGradientCheck {
  analytic: Matrix;
  numeric: Matrix;
  relError: number;
}

/** The three functions the E0 notebook has the learner write. */
export interface GradientCheckTools {
  /** ∂f/∂x by centred differences, (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h; x as it was afterwards. */
  numericGradient: (f: (x: Matrix) => number, x: Matrix, h?: number) => Matrix;
  /** max over entries of |aᵢ − bᵢ| / max(|aᵢ|, |bᵢ|, tiny). */
  relativeError: (a: Matrix, b: Matrix) => number;
  /** dX of a layer by f = Σ y·R, R random of y's shape drawn once from `seed`. */
  checkLayerDX: (layer: Layer, x: Matrix, seed?: number) => LayerGradientCheck;
}

/** Tolerance of the learner's centred differences against the engine's (same h, float64). */
const NUMERIC_MATCH_TOL = 1e-7;
/** Below this the learner's checker must rate a correct layer; above BROKEN_REL it must rate a broken one. */
const CORRECT_REL = 1e-6;
const BROKEN_REL = 1e-2;

/** The learner's numericGradient at x (a copy the grader keeps); returns the result and x afterwards. */
function callNumeric(tools: GradientCheckTools, f: (x: Matrix) => number, x: Matrix, h?: number): Matrix {
  const got = learner("numericGradient", () => (h === undefined ? tools.numericGradient(f, x) : tools.numericGradient(f, x, h)));
  const m = asMatrix(got, "numericGradient(f, x)", "");
  if (m.dtype !== "float64") {
    throw new CheckFailure(
      `numericGradient returned a ${m.dtype} matrix for a float64 x`,
      `${ROUND_OFF_HINT}; make the result with new nn.Matrix(x.rows, x.cols, "float64")`,
    );
  }
  return m;
}

/** The learner's checkLayerDX on a spied layer, with everything it returned checked for type. */
function callLayerCheck(tools: GradientCheckTools, layer: Spy, x: Matrix, seed: number, where: string): LayerGradientCheck {
  const got = learner("checkLayerDX", () => tools.checkLayerDX(layer, x, seed)) as unknown;
  if (got === null || typeof got !== "object")
    throw new CheckFailure(`${where}: checkLayerDX returned ${describeValue(got)}`, "return { analytic, numeric, relError }");
  const r = got as Record<string, unknown>;
  const analytic = asMatrix(r.analytic, "analytic", where);
  const numeric = asMatrix(r.numeric, "numeric", where);
  if (typeof r.relError !== "number")
    throw new CheckFailure(
      `${where}: relError is ${describeValue(r.relError)}, not a number`,
      "return { analytic, numeric, relError: relativeError(analytic, numeric) }",
    );
  return { analytic, numeric, relError: r.relError };
}

/**
 * Checks one checkLayerDX run on a correct layer: R of y's shape and random, backward(R) right after
 * forward(x), numeric = ∂(Σ y·R)/∂x for that same R, relError small, x unchanged.
 */
function expectLayerCheck(tools: GradientCheckTools, make: () => Layer, x: Matrix, seed: number, where: string, stats: ErrorStats, probe: () => void): void {
  const spy = new Spy(make(), probe);
  const before = x.clone();
  const out = callLayerCheck(tools, spy, x, seed, where);
  if (spy.backwards.length === 0)
    throw new CheckFailure(
      `${where}: checkLayerDX never called layer.backward`,
      "analytic is what the layer's own backward(R) returns: call layer.forward(x) then layer.backward(R)",
    );
  const { dOut: R, after } = spy.backwards.at(-1)!;
  const y = make().forward(x, { training: false });
  if (R.rows !== y.rows || R.cols !== y.cols)
    throw new CheckFailure(`${where}: backward got R of shape ${R.shape}; y has shape ${y.shape}`, "R must have y's shape: one random number per output entry");
  if (isConstant(R)) {
    throw new CheckFailure(
      `${where}: backward got an R whose entries are all ${R.data[0]}`,
      "that is f = Σ y, not Σ y·R: with R all ones a backward that mixes up dOut's entries (a transpose, a permutation) gives the same dX and goes unseen; use Σ y·R with R random (normal) of y's shape",
    );
  }
  if (after === null || after.data.some((v, i) => v !== x.data[i])) {
    throw new CheckFailure(
      `${where}: the forward right before backward(R) was at ${after === null ? "no input" : "a perturbed x"}`,
      "call backward(R) right after forward(x) at the unperturbed x: the numeric gradient's forwards leave the layer's cache at the last perturbed x",
    );
  }
  const change = describeChange(before, x, H);
  if (change !== null) throw new CheckFailure(`${where}: ${change.detail}`, change.hint);
  const truth = make();
  truth.forward(x, { training: false });
  const expectedAnalytic = truth.backward(R.clone()).clone();
  expectClose(out.analytic, expectedAnalytic, stats, {
    what: "analytic",
    where,
    hint: "analytic is what backward(R) returns, for the same R as in f; copy it (.clone()): a layer may reuse that matrix",
  });
  const expectedNumeric = referenceGradient(sumYR(make, R), x);
  expectClose(out.numeric, expectedNumeric, stats, {
    what: "numeric (∂(Σ y·R)/∂x)",
    where,
    tol: NUMERIC_MATCH_TOL,
    suspects: [
      {
        hint: "that is the gradient of Σ y, not Σ y·R: multiply each y entry by R's",
        value: () =>
          referenceGradient(
            sumYR(
              make,
              mapMatrix(R, () => 1),
            ),
            x,
          ),
      },
    ],
    hint: "numeric must be the centred differences of f(x) = Σ y·R for the SAME R that went to backward: draw R once, before f, not redrawn inside f at every call",
  });
  if (!(out.relError <= CORRECT_REL)) {
    throw new CheckFailure(
      `${where}: relError is ${sci(out.relError)} on a correct layer (analytic and numeric agree to ${sci(relError(out.analytic.data, out.numeric.data))})`,
      "relError should be relativeError(analytic, numeric)",
    );
  }
}

/** The call a check cell makes, as the requireFunction lines show it. */
const CALL = "checkGradientCheck(numericGradient, relativeError, checkLayerDX)";

/**
 * E0: the learner's three functions, passed one by one (tslab does not rewrite a shorthand
 * property such as { numericGradient } to the cell's export, so an object would not reach them).
 */
export function gradeGradientCheck(
  numericGradient: GradientCheckTools["numericGradient"],
  relativeError: GradientCheckTools["relativeError"],
  checkLayerDX: GradientCheckTools["checkLayerDX"],
  options: GradeOptions = {},
): ExerciseReport {
  const tools: GradientCheckTools = { numericGradient, relativeError, checkLayerDX };
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const x = randomMatrix(3, 4, rng);
  const functions = testFunctions(rng, 3, 4);
  const g = new Grader("E0 · gradient check", `x (3, 4) float64; ${functions.map((f) => f.label).join("; ")}; the engine's Sigmoid and Linear(4 → 3)`, {
    methods: ["numericGradient", "relativeError", "checkLayerDX"],
    engine: "nn.gradcheck",
    watchEngine: false,
  });
  const { probe, probed } = gradcheckEngineProbe(g);
  const haveNumeric = g.requireFunction(numericGradient, "numericGradient", CALL);
  const haveRel = g.requireFunction(relativeError, "relativeError", CALL);
  const haveLayer = g.requireFunction(checkLayerDX, "checkLayerDX", CALL);

  const numericNames: string[] = [];
  if (haveNumeric) {
    for (const fn of functions) {
      const name = `numericGradient on ${fn.label}`;
      numericNames.push(name);
      g.check(name, (stats) => {
        const xs = x.clone();
        const got = callNumeric(tools, probed(fn.f), xs);
        const change = describeChange(x, xs, H);
        if (change !== null) throw new CheckFailure(`${fn.label}: ${change.detail}`, change.hint);
        expectClose(got, referenceGradient(fn.f, x), stats, {
          what: "numericGradient(f, x)",
          where: fn.label,
          tol: NUMERIC_MATCH_TOL,
          suspects: numericSuspects(fn.f, x),
          hint: "for each entry i: old = x[i]; x[i] = old + h; f₊ = f(x); x[i] = old − h; f₋ = f(x); x[i] = old; grad[i] = (f₊ − f₋) / 2h",
        });
        const vsAnalytic = relError(got.data, fn.grad(x).data);
        return `${stats.describe()} vs the engine's numericalGradient; rel err ${sci(vsAnalytic)} vs the exact gradient`;
      });
    }
    const restore = "numericGradient leaves x exactly as it was";
    numericNames.push(restore);
    g.check(restore, () => {
      const xs = x.clone();
      callNumeric(tools, probed(functions[1].f), xs);
      const change = describeChange(x, xs, H);
      if (change !== null) throw new CheckFailure(change.detail, change.hint);
      return "every entry bit for bit";
    });
    const withH = "numericGradient(f, x, h) uses the h it is given (h = 1e-3 on Σ x³)";
    numericNames.push(withH);
    g.check(withH, (stats) => {
      const cube = (m: Matrix): number => total(m, (v) => v * v * v);
      const got = callNumeric(tools, probed(cube), x.clone(), 1e-3);
      expectClose(got, referenceGradient(cube, x, 1e-3), stats, {
        what: "numericGradient(f, x, 1e-3)",
        where: "Σ x³, h = 1e-3 (centred differences give 3x² + h² exactly)",
        tol: 1e-10,
        suspects: [
          { hint: "numericGradient ignores its h argument: use the h it is called with (its default is 1e-5)", value: () => referenceGradient(cube, x, 1e-5) },
          {
            hint: "the difference is divided by h instead of 2h: x + h and x − h are 2h apart, (f(x + h) − f(x − h)) / 2h",
            value: () => mapMatrix(referenceGradient(cube, x, 1e-3), (v) => 2 * v),
          },
        ],
        hint: "(f(x + h) − f(x − h)) / 2h with the h passed in",
      });
    });
  }

  const relNames: string[] = [];
  if (haveRel) {
    const m = (values: number[]): Matrix => Matrix.fromValues(1, values.length, values, "float64");
    const cases: Array<{ a: number[]; b: number[]; label: string; suspects: Array<{ hint: string; value: number }> }> = [
      {
        label: "[1, 2, −3] vs [1.1, 2, −3]",
        a: [1, 2, -3],
        b: [1.1, 2, -3],
        suspects: [{ hint: "divided by |a| only: the error must not depend on which argument comes first, divide by max(|a|, |b|, tiny)", value: 0.1 }],
      },
      {
        label: "[1.1, 2, −3] vs [1, 2, −3] (the other order)",
        a: [1.1, 2, -3],
        b: [1, 2, -3],
        suspects: [{ hint: "divided by |b| only: the error must not depend on which argument comes first, divide by max(|a|, |b|, tiny)", value: 0.1 }],
      },
      {
        label: "[1, 5] vs [2, 5]",
        a: [1, 5],
        b: [2, 5],
        suspects: [
          { hint: "the difference has no abs: aᵢ − bᵢ is negative when a is the smaller, take |aᵢ − bᵢ|", value: -0.5 },
          { hint: "the difference has no abs: aᵢ − bᵢ is negative when a is the smaller, take |aᵢ − bᵢ|", value: 0 },
        ],
      },
      { label: "[−1, −4] vs [−2, −4] (negative gradients)", a: [-1, -4], b: [-2, -4], suspects: [] },
      {
        label: "[1, 1, 1, 1] vs [1, 1, 1, 2] (one entry wrong)",
        a: [1, 1, 1, 1],
        b: [1, 1, 1, 2],
        suspects: [{ hint: "the mean over entries hides one wrong entry: take the largest relative error over the entries", value: 0.125 }],
      },
      { label: "[0, 3] vs [0, 3] (an exact zero)", a: [0, 3], b: [0, 3], suspects: [] },
    ];
    const name = "relativeError: largest |aᵢ − bᵢ| / max(|aᵢ|, |bᵢ|, tiny)";
    relNames.push(name);
    g.check(name, () => {
      const failures: Array<{ detail: string; hint?: string }> = [];
      for (const c of cases) {
        const expected = c.a.reduce((worst, ai, i) => Math.max(worst, Math.abs(ai - c.b[i]) / Math.max(Math.abs(ai), Math.abs(c.b[i]), 1e-8)), 0);
        const got = learner("relativeError", () => tools.relativeError(m(c.a), m(c.b))) as unknown;
        if (typeof got !== "number")
          throw new CheckFailure(
            `relativeError(${c.label}) is ${describeValue(got)}, not a number`,
            "return one number: the largest relative error over the entries",
          );
        // |a − b| / (|a| + |b|) (CS231n's) is up to 2× smaller and as good: accept [expected / 2, expected].
        if (got >= expected / 2 - 1e-12 && got <= expected + 1e-12) continue;
        let hint = c.suspects.find((s) => Math.abs(got - s.value) <= 1e-9)?.hint;
        if (hint === undefined && Number.isNaN(got))
          hint = "0 / 0 is NaN where both are exactly 0: floor the denominator with a tiny number, max(|aᵢ|, |bᵢ|, 1e-8)";
        if (hint === undefined && (got < 0 || got > 1e6))
          hint =
            "gradients can be negative: use abs on both sides, |aᵢ − bᵢ| / max(|aᵢ|, |bᵢ|, tiny) (max(aᵢ, bᵢ, tiny) without abs is the tiny floor when both are negative)";
        failures.push({ detail: `relativeError(${c.label}) is ${got}, expected ${expected.toPrecision(4)}`, hint });
      }
      if (failures.length > 0) {
        // The first case that failed, with the first hint any failed case gives (they name one mistake).
        const hinted = failures.find((f) => f.hint !== undefined);
        const detail = [failures[0].detail, ...(hinted && hinted !== failures[0] ? [hinted.detail] : [])].join("; ");
        throw new CheckFailure(
          `${detail}${failures.length > 2 ? ` (${failures.length} of ${cases.length} cases wrong)` : ""}`,
          hinted?.hint ?? "for each entry |aᵢ − bᵢ| / max(|aᵢ|, |bᵢ|, 1e-8); return the largest",
        );
      }
      return `${cases.length} cases, symmetric, zero-safe, negative values`;
    });
  }

  if (haveLayer) {
    const after = [...numericNames, ...relNames];
    const sx = randomMatrix(4, 3, rng);
    const lx = randomMatrix(5, 4, rng);
    const linear = (): Layer => {
      const l = new ReferenceLinear(4, 3, { init: "he", rng: new Rng(seed + 7), dtype: "float64" });
      l.bias!.value.data.set([0.5, -0.25, 0.1]);
      return l;
    };
    g.checkAfter(after, "checkLayerDX(the engine's Sigmoid): analytic = backward(R), numeric = ∂(Σ y·R)/∂x", (stats) => {
      expectLayerCheck(tools, () => new ReferenceSigmoid(), sx, seed, "Sigmoid, x (4, 3)", stats, probe);
      expectLayerCheck(tools, () => new ReferenceSigmoid(), sx, seed + 1, "Sigmoid, x (4, 3), another seed", stats, probe);
    });
    g.checkAfter(after, "checkLayerDX(the engine's Linear(4 → 3)): the same, dX = R·Wᵀ", (stats) => {
      expectLayerCheck(tools, linear, lx, seed, "Linear(4 → 3), x (5, 4)", stats, probe);
    });
    g.checkAfter(after, "checkLayerDX uses its seed: same seed, same R; another seed, another R", () => {
      const Rs = [seed, seed, seed + 1].map((s) => {
        const spy = new Spy(new ReferenceSigmoid(), probe);
        callLayerCheck(tools, spy, sx, s, `seed ${s}`);
        return spy.backwards.at(-1)?.dOut ?? null;
      });
      if (Rs.some((R) => R === null)) throw new CheckFailure("checkLayerDX never called layer.backward", "call layer.forward(x) then layer.backward(R)");
      const [a, b, c] = Rs as Matrix[];
      if (a.data.some((v, i) => v !== b.data[i]))
        throw new CheckFailure(
          "two calls with the same seed drew different R",
          "draw R from new nn.Rng(seed) made inside checkLayerDX, so a check can be repeated",
        );
      if (a.data.every((v, i) => v === c.data[i]))
        throw new CheckFailure("seeds 0 and 1 drew the same R", "draw R from new nn.Rng(seed): the seed is the caller's way to try another R");
      return "repeatable";
    });
    g.checkAfter(after, "checkLayerDX flags a Sigmoid whose backward forgets the factor (1 − y)", () => {
      const out = callLayerCheck(tools, new Spy(new ForgetfulSigmoid(), probe), sx, seed, "broken Sigmoid");
      if (!(out.relError >= BROKEN_REL)) {
        throw new CheckFailure(
          `relError is ${sci(out.relError)} on a backward that is wrong by a factor (1 − y) (should be ≥ ${sci(BROKEN_REL)})`,
          "numeric must come from forward alone (centred differences of f = Σ y·R), never from backward, and relError must compare analytic with numeric",
        );
      }
      return `relError ${sci(out.relError)}: flagged`;
    });
    g.checkAfter(after, "checkLayerDX flags a backward that reverses dOut's columns (needs Σ y·R, not Σ y)", () => {
      const c = Matrix.fromValues(1, 3, [0.5, -1.5, 2], "float64");
      const out = callLayerCheck(tools, new Spy(new ReversedColumns(c), probe), sx, seed, "reversed columns");
      if (!(out.relError >= BROKEN_REL)) {
        throw new CheckFailure(
          `relError is ${sci(out.relError)} on a backward that reads dOut's columns in reverse order`,
          "that is f = Σ y, not Σ y·R: with R all ones a backward that mixes up dOut's entries (a transpose, a permutation) gives the same dX and goes unseen; use Σ y·R with R random (normal) of y's shape",
        );
      }
      return `relError ${sci(out.relError)}: flagged`;
    });
  }
  return g.report();
}
