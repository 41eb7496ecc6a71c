// E6's checks before training (CS231n's sanity checks): the untrained spirals classifier's loss
// is ≈ ln C, and it overfits 20 points. Not for grading the trained networks (./check_networks).
import { Matrix } from "../tensor";
import { softmaxCrossEntropy as engineSoftmaxCrossEntropy } from "../losses";
import { SGD as EngineSGD, Optimizer } from "../optim/sgd";
import { Network } from "../models";
import { CheckFailure, Grader, learner } from "./grader";
import { asMatrix, describeValue } from "./answer_comparison";
import { NetworkSetup, SetupFunction, spiralData, validModel } from "./check_networks";
import { SGD_HINT, checkOwnLayers, checkOwnLoss, ownClasses } from "./network_ownership";
import type { ExerciseReport } from "./report";
import type { MyLayers } from "./learner_api";

/** The untrained loss may differ from ln C by this fraction of ln C (He init on the spirals: +5 %; with BatchNorm: +25 to +40 %). */
export const INITIAL_LOSS_TOLERANCE = 0.5;
/** The overfit test: this many training points, at most this many full-batch steps, down to this loss. */
export const OVERFIT = { points: 20, steps: 500, loss: 0.05 } as const;

/**
 * E6's sanity checks on the learner's untrained spirals classifier, before any real training:
 * its loss at initialisation is ≈ ln 3, and with its own optimiser it drives the loss on 20
 * training points to ≤ 0.05 within 500 full-batch steps.
 */
export function gradeBeforeTraining(setup: SetupFunction<Int32Array>, mine: MyLayers): ExerciseReport {
  const data = spiralData();
  const classes = 3;
  const g = new Grader(
    "E6 · before training: your spirals network",
    `${data.train.x.rows} training points, ${classes} classes; ${OVERFIT.points} of them for the overfit test`,
  );
  if (!g.requireFunction(setup, "your network function", "checkBeforeTraining(spiralNetwork, mine)") || !ownClasses(g, mine)) return g.report();
  const returns = "spiralNetwork() returns { model, optimizer }";
  let first: NetworkSetup<Int32Array> | null = null;
  g.check(returns, () => {
    first = validSetup(learner(setup.name || "network function", () => setup()));
    return `${first.model.net.layers.length} layers, optimiser ${first.optimizer.constructor?.name ?? "?"} (lr ${first.optimizer.lr})`;
  });
  if (first === null) return g.report();
  const { model, optimizer } = first as NetworkSetup<Int32Array>;
  checkOwnLayers(g, model.net.layers, mine);
  checkOwnLoss(g, model, mine.softmaxCrossEntropy, engineSoftmaxCrossEntropy, "softmaxCrossEntropy", "nn.Classifier");
  g.check("its optimiser is your SGD (E5)", () => {
    if (optimizer instanceof EngineSGD) throw new CheckFailure("the optimiser is the engine's nn.SGD", SGD_HINT);
    if (!(optimizer instanceof mine.SGD)) throw new CheckFailure(`the optimiser is ${describeValue(optimizer)}, not an instance of your SGD`, SGD_HINT);
    return `your SGD, lr ${optimizer.lr}, weight decay ${optimizer.weightDecay}`;
  });
  const lnC = Math.log(classes);
  g.checkAfter([returns], `initial loss ≈ ln ${classes} = ${lnC.toFixed(3)} (within ±${INITIAL_LOSS_TOLERANCE * 100} %)`, () => {
    const fresh = validSetup(learner(setup.name || "network function", () => setup()));
    const logits = forwardOf(fresh.model, data.train.x, true);
    const std = Math.sqrt(Array.from(logits.data).reduce((s, v) => s + v * v, 0) / logits.data.length);
    const loss = lossOf(fresh.model, logits, data.train.y);
    const detail = `initial loss ${loss.toFixed(3)} on the ${data.train.x.rows} training points = ${(loss / lnC).toFixed(2)} × ln ${classes} (the logits' rms ${std.toFixed(2)})`;
    if (!(Math.abs(loss - lnC) <= INITIAL_LOSS_TOLERANCE * lnC)) {
      throw new CheckFailure(
        detail,
        loss > lnC
          ? `an untrained classifier should be unsure: all ${classes} classes about equally likely, a loss near ln ${classes}. Yours is confidently wrong: its logits are too large. Start from smaller weights (He or Xavier init, nothing scaled up), and check that your loss is the mean over the batch, not the sum`
          : `no untrained network can do better than guessing; a loss below ln ${classes} means the loss is wrong: softmax must normalise each row (exp(z − max) / Σ exp(z − max)) and the loss is −log of the true class's probability`,
      );
    }
    return detail;
  });
  g.checkAfter([returns], `overfits ${OVERFIT.points} training points: loss ≤ ${OVERFIT.loss} within ${OVERFIT.steps} full-batch steps`, () => {
    const fresh = validSetup(learner(setup.name || "network function", () => setup()));
    const x = rowsOf(data.train.x, OVERFIT.points);
    const y = data.train.y.slice(0, OVERFIT.points);
    const started = performance.now();
    const { start, end, steps } = overfit(fresh, x, y);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const detail = `loss ${start.toFixed(3)} → ${end.toPrecision(3)} in ${steps} steps (${seconds} s, lr ${fresh.optimizer.lr})`;
    if (!Number.isFinite(end)) throw new CheckFailure(detail, "the loss overflowed: the lr is far too large");
    if (end > OVERFIT.loss) {
      const lnC = Math.log(classes);
      if (start > (1 + INITIAL_LOSS_TOLERANCE) * lnC)
        throw new CheckFailure(
          detail,
          `it starts from a loss of ${start.toFixed(1)}, far above ln ${classes}: make the initial loss right first (the check above), then this one`,
        );
      throw new CheckFailure(
        detail,
        end > start / 2
          ? `the loss hardly fell: the gradients do not lower it. Look for a bug in a backward (do all of E1–E5 pass in the checkAll cell above? re-collect after fixing them) or an lr far too small`
          : `it learns, but too slowly to memorise ${OVERFIT.points} points: raise the lr (yours is ${fresh.optimizer.lr}; try 2 to 3 times larger) or widen the layers. A network that cannot overfit ${OVERFIT.points} points will not fit ${data.train.x.rows}`,
      );
    }
    return detail;
  });
  return g.report();
}

/** Full-batch steps of the learner's optimiser on (x, y) until the loss is ≤ OVERFIT.loss: the first and last loss, the steps taken. */
function overfit(setup: NetworkSetup<Int32Array>, x: Matrix, y: Int32Array): { start: number; end: number; steps: number } {
  const { model, optimizer } = setup;
  const params = learner("the model's params", () => model.params());
  let start = NaN;
  for (let step = 0; ; step++) {
    const out = forwardOf(model, x, true);
    const { loss, grad } = learner("the model's loss", () => model.loss(out, y));
    if (step === 0) start = loss;
    if (!Number.isFinite(loss) || loss <= OVERFIT.loss || step === OVERFIT.steps) return { start, end: loss, steps: step };
    learner("the model's backward", () => model.backwardParams(grad));
    learner("your SGD's step", () => optimizer.step(params));
  }
}

function validSetup<Y extends Matrix | Int32Array>(result: unknown): NetworkSetup<Y> {
  const r = result as { model?: unknown; optimizer?: { step?: unknown; lr?: unknown } } | null;
  if (!validModel<Y>(r?.model) || typeof r?.optimizer?.step !== "function" || typeof r.optimizer.lr !== "number") {
    throw new CheckFailure(
      `it returned ${describeValue(result)}`,
      "return { model, optimizer }: model a new, untrained nn.Classifier of your layers, optimizer new SGD({ lr, weightDecay }) (yours)",
    );
  }
  return { model: r.model, optimizer: r.optimizer as Optimizer };
}

function forwardOf<Y extends Matrix | Int32Array>(model: Network<Y>, x: Matrix, training: boolean): Matrix {
  return asMatrix(
    learner("the model's forward", () => model.forward(x, { training })),
    "the model's output",
    `${x.rows} inputs`,
  );
}

function lossOf(model: Network<Int32Array>, out: Matrix, y: Int32Array): number {
  const { loss } = learner("the model's loss", () => model.loss(out, y));
  if (typeof loss !== "number")
    throw new CheckFailure(`the loss returned loss = ${describeValue(loss)}`, "your loss returns { loss, grad } with loss a number");
  return loss;
}

/** The first n rows of x, as a new matrix. */
function rowsOf(x: Matrix, n: number): Matrix {
  return Matrix.fromValues(n, x.cols, Array.from(x.data.subarray(0, n * x.cols)), x.dtype);
}
