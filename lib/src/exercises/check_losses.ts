// E3's grader: the learner's softmax cross-entropy and MSE (value and gradient) against
// the engine's, against finite differences of the learner's own loss, and softmax at
// logits of ±1000, where an exponential without the max shift overflows.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { LossAndGrad, meanSquaredError as referenceMse, softmaxCrossEntropy as referenceSce } from "../losses";
import { numericalGradient, randomMatrix } from "../testing/gradcheck";
import { CheckFailure, GradeOptions, ErrorStats, Grader, learner } from "./grader";
import { asMatrix, describeValue, expectClose, expectCloseNumber, expectMatchesNumeric } from "./answer_comparison";
import { numberSuspectsFor, suspectsFor } from "./mistakes/catalogue";
import { MSE_GRAD_MISTAKES, MSE_LOSS_MISTAKES, ONE_MAX_FOR_THE_BATCH, SCE_GRAD_MISTAKES, SCE_LOSS_MISTAKES } from "./mistakes/losses";
import { scaled } from "./matrix_ops";
import { SOFTMAX_CE_MODULE, engineOnStack, learnerMethodNow, probedCopy } from "./engine_watch";
import type { ExerciseReport } from "./report";
import type { MseFunction, SoftmaxCrossEntropyFunction } from "./learner_api";
import type { MseCase, SceCase } from "./check_cases";

/** Calls the learner's loss and checks it returned { loss: number, grad: Matrix }, copied. */
function callLoss(name: string, where: string, f: () => unknown): { loss: number; grad: Matrix } {
  const out = learner(name, f) as { loss?: unknown; grad?: unknown } | null;
  if (out === null || typeof out !== "object" || !("loss" in out) || !("grad" in out)) {
    throw new CheckFailure(
      `${where}: ${name} returned ${describeValue(out)}`,
      "return an object { loss, grad }: the mean loss (a number) and its gradient (a matrix)",
    );
  }
  if (typeof out.loss !== "number")
    throw new CheckFailure(`${where}: ${name}'s loss is ${describeValue(out.loss)}`, "loss must be a number: the mean over the batch");
  return { loss: out.loss, grad: asMatrix(out.grad, `${name}'s grad`, where).clone() };
}

/** The loss's grad against centred finite differences of the loss itself. */
function expectNumericLossGradient(loss: () => number, input: Matrix, grad: Matrix, name: string, where: string, stats: ErrorStats): void {
  if (grad.rows !== input.rows || grad.cols !== input.cols)
    throw new CheckFailure(`${where}: grad has shape ${grad.shape}, its input ${input.shape}`, "fix the grad's shape first (see above)");
  const numeric = numericalGradient(loss, input);
  expectMatchesNumeric(grad.data, numeric, stats, "grad", where, `the grad ${name} returns is not the derivative of the loss it returns`);
}

/** Calls the loss on copies of `inputs` and fails if it changed them. */
function expectInputsKept(inputs: Matrix[], call: (copies: Matrix[]) => unknown, name: string, where: string): void {
  const copies = inputs.map((m) => m.clone());
  learner(name, () => call(copies));
  copies.forEach((m, k) => {
    if (m.data.some((v, i) => !Object.is(v, inputs[k].data[i]))) {
      throw new CheckFailure(`${where}: ${name} changed its input`, "compute into new matrices; the caller still needs its logits / predictions");
    }
  });
}

function sceCase(n: number, c: number, scale: number, rng: Rng): SceCase {
  const logits = scaled(randomMatrix(n, c, rng), scale);
  const labels = Int32Array.from({ length: n }, () => rng.int(c));
  return { label: `N=${n}, C=${c}`, logits, labels, ref: referenceSce(logits, labels) };
}

export function gradeSoftmaxCrossEntropy(fn: SoftmaxCrossEntropyFunction, options: GradeOptions = {}): ExerciseReport {
  const name = "softmaxCrossEntropy";
  const rng = new Rng(options.seed ?? 0);
  const cases = [sceCase(3 + rng.int(5), 3 + rng.int(3), 2, rng), sceCase(4 + rng.int(4), 7 + rng.int(4), 2, rng), sceCase(1, 2 + rng.int(3), 2, rng)];
  const g = new Grader("E3 · softmax cross-entropy", `3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, {
    methods: [name],
    engine: "nn.softmaxCrossEntropy",
  });
  if (!g.requireFunction(fn, name, "checkSoftmaxCrossEntropy(softmaxCrossEntropy)")) return g.report();
  // The engine's loss on the stack when the logits are read: handed over, also when taken out of nn before the check.
  const probe = (): void => {
    const used = engineOnStack(SOFTMAX_CE_MODULE);
    const method = learnerMethodNow();
    if (used !== null && method !== undefined) g.noteEngineUse(method, used);
  };
  // Probed in the first calls only (the loss and grad checks' cases): code that hands over does so every call.
  let probedCalls = 2 * cases.length;
  // Copies in, so code that overwrites its inputs cannot change the cases (a check below catches it).
  const run = (c: SceCase): { loss: number; grad: Matrix } =>
    callLoss(name, c.label, () => fn(probedCalls-- > 0 ? probedCopy(c.logits, probe) : c.logits.clone(), c.labels.slice()));
  g.check("loss = mean over rows of −log softmax(z)[y]", (stats) => {
    for (const c of cases)
      expectCloseNumber(run(c).loss, c.ref.loss, stats, {
        what: "loss",
        where: c.label,
        suspects: numberSuspectsFor(SCE_LOSS_MISTAKES, "loss", c),
        hint: "loss = (1/N) Σ_n [log Σ_j e^z[n][j] − z[n][y_n]]",
      });
  });
  g.check("grad: d loss / d z (the returned grad)", (stats) => {
    for (const c of cases)
      expectClose(run(c).grad, c.ref.grad, stats, {
        what: "grad",
        where: c.label,
        suspects: suspectsFor(SCE_GRAD_MISTAKES, "grad", c),
        hint: "grad[n][j] = (p[n][j] − [j = y_n]) / N",
      });
  });
  g.check("stable at logits of ±1000 and at rows whose maxima differ by more than 1000 (finite loss and grad)", (stats) => {
    const noShift = "softmax without the max shift: e^1000 is Infinity, and Infinity/Infinity is NaN. Subtract each row's max before exponentiating";
    const logSumExp =
      "loss is Infinity: p[y] underflowed to 0 and log(0) = −∞. Take the loss as log Σ_j e^(z_j − max) − (z_y − max) (log-sum-exp) instead of −log p_y";
    const oneMax = ONE_MAX_FOR_THE_BATCH.hint;
    const spread = Matrix.fromRows(
      [
        [1000, 998, 999.5],
        [-1000, -1001, -999],
        [2, -3, 0.5],
        [-2000, -2001.5, -1999],
      ],
      "float64",
    );
    const extremes: SceCase[] = [
      { ...sceCase(4, 5, 1000, new Rng((options.seed ?? 0) + 1)), label: "N=4, C=5, logits ~ ±1000" },
      {
        label: "N=4, C=3, row maxima 1000, −999, 2, −1999",
        logits: spread,
        labels: Int32Array.from([1, 0, 2, 2]),
        ref: referenceSce(spread, Int32Array.from([1, 0, 2, 2])),
      },
    ];
    for (const c of extremes) {
      const got = run(c);
      // When the batch fails, each row alone tells a max over the whole batch from a missing shift.
      const rowsAlone = (): boolean =>
        c.logits.rows > 1 &&
        Array.from({ length: c.logits.rows }, (_, i) => {
          const one = new Matrix(1, c.logits.cols, c.logits.data.slice(i * c.logits.cols, (i + 1) * c.logits.cols));
          const alone = referenceSce(one, c.labels.slice(i, i + 1));
          try {
            const r = callLoss(name, c.label, () => fn(one.clone(), c.labels.slice(i, i + 1)));
            return (
              Math.abs(r.loss - alone.loss) <= 1e-8 * Math.max(1, Math.abs(alone.loss)) && r.grad.data.every((v, k) => Math.abs(v - alone.grad.data[k]) <= 1e-8)
            );
          } catch {
            return false;
          }
        }).every(Boolean);
      const diagnose = (fallback: string): string => (rowsAlone() ? oneMax : fallback);
      if (!Number.isFinite(got.loss)) throw new CheckFailure(`${c.label}: loss is ${got.loss}`, diagnose(Number.isNaN(got.loss) ? noShift : logSumExp));
      const lossHint = "loss = (1/N) Σ_n [max_n + log Σ_j e^(z[n][j] − max_n) − z[n][y_n]], with max_n each row's own max";
      try {
        expectCloseNumber(got.loss, c.ref.loss, stats, { what: "loss", where: c.label, hint: lossHint });
        expectClose(got.grad, c.ref.grad, stats, { what: "grad", where: c.label, hint: noShift });
      } catch (err) {
        if (err instanceof CheckFailure && rowsAlone()) throw new CheckFailure(err.detail, oneMax);
        throw err;
      }
    }
  });
  g.check("grad vs finite differences of the loss", (stats) => {
    for (const c of cases) expectNumericLossGradient(() => run(c).loss, c.logits, run(c).grad, name, c.label, stats);
  });
  g.check("leaves the logits unchanged", () => {
    for (const c of cases) expectInputsKept([c.logits], ([logits]) => fn(logits, c.labels.slice()), name, c.label);
    return "logits intact";
  });
  return g.report();
}

export function gradeMeanSquaredError(fn: MseFunction, options: GradeOptions = {}): ExerciseReport {
  const name = "meanSquaredError";
  const rng = new Rng(options.seed ?? 0);
  const shapes = [
    [3 + rng.int(5), 2 + rng.int(3)],
    [2 + rng.int(5), 1],
    [1, 3 + rng.int(3)],
  ];
  const cases: MseCase[] = shapes.map(([n, d]) => {
    const pred = randomMatrix(n, d, rng);
    const target = randomMatrix(n, d, rng);
    return { label: `N=${n}, D=${d}`, pred, target, ref: referenceMse(pred, target) };
  });
  const g = new Grader("E3 · mean squared error", `3 random cases in float64: ${cases.map((c) => c.label).join("; ")}`, {
    methods: [name],
    engine: "nn.meanSquaredError",
  });
  if (!g.requireFunction(fn, name, "checkMeanSquaredError(meanSquaredError)")) return g.report();
  const run = (c: MseCase): { loss: number; grad: Matrix } => callLoss(name, c.label, () => fn(c.pred.clone(), c.target.clone()));
  g.check("loss = Σ (pred − target)² / (N·D)", (stats) => {
    for (const c of cases) {
      expectCloseNumber(run(c).loss, c.ref.loss, stats, {
        what: "loss",
        where: c.label,
        suspects: numberSuspectsFor(MSE_LOSS_MISTAKES, "loss", c),
      });
    }
  });
  g.check("grad: d loss / d pred (the returned grad)", (stats) => {
    for (const c of cases) {
      expectClose(run(c).grad, c.ref.grad, stats, {
        what: "grad",
        where: c.label,
        suspects: suspectsFor(MSE_GRAD_MISTAKES, "grad", c),
      });
    }
  });
  g.check("grad vs finite differences of the loss", (stats) => {
    for (const c of cases) expectNumericLossGradient(() => run(c).loss, c.pred, run(c).grad, name, c.label, stats);
  });
  g.check("leaves pred and target unchanged", () => {
    for (const c of cases) expectInputsKept([c.pred, c.target], ([pred, target]) => fn(pred, target), name, c.label);
    return "inputs intact";
  });
  return g.report();
}
