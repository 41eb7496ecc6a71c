// E6's grader after training: the learner chooses a network and its training, the grader scores
// outcomes: ≥ 0.95 validation accuracy on the three spirals (with and without the learner's
// BatchNorm), a validation MSE within 2× the noise floor on the noisy curve. Every grade first
// checks that the work is the learner's (./network_ownership). It also names what usually
// explains a bad score: an activation after the output layer, no activation at all (a linear
// model). Not the checks before training: those are in ./check_before_training.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { Layer } from "../layers";
import { softmaxCrossEntropy as engineSoftmaxCrossEntropy, meanSquaredError as engineMeanSquaredError } from "../losses";
import { Network } from "../models";
import { History, evaluate } from "../train/trainer";
import { curveTarget } from "../data/synthetic";
import { randomMatrix } from "../testing/gradcheck";
import { argmaxRows } from "../kernels";
import * as plot from "../plot";
import { CheckFailure, Grader, LearnerThrew, learner, sci } from "./grader";
import { DivergenceError } from "../errors";
import { asMatrix, describeValue, maxAbsDiff } from "./answer_comparison";
import { mapMatrix } from "./matrix_ops";
import { SGD_HINT, checkOwnLayers, checkOwnLoss, ownClasses, watchSteps } from "./network_ownership";
import type { ExerciseReport } from "./report";
import type { MyLayers } from "./learner_api";
import { TrainFunction, TrainValData, Trained, curveData, curveNoiseFloor, spiralData } from "./network_tasks";

export { spiralData, curveData, curveNoiseFloor } from "./network_tasks";
export type { TrainValData, Trained, TrainFunction, NetworkSetup, SetupFunction } from "./network_tasks";

/** A report, and charts of the trained model (none when training failed). */
export interface NetworkReport extends ExerciseReport {
  showCharts(): void;
}

// ---- After training: outcomes ----

export function gradeSpiralClassifier(train: TrainFunction<Int32Array>, mine: MyLayers): NetworkReport {
  return gradeSpirals(
    { title: "E6 · your MLP on the three spirals", call: "checkSpiralClassifier(trainSpirals, mine)", inputs: 2, outputs: 3, name: "your MLP" },
    train,
    mine,
  );
}

/** The same target with the learner's BatchNorm1d in the network: E4 trains, and its running statistics score the validation set. */
export function gradeBatchNormClassifier(train: TrainFunction<Int32Array>, mine: MyLayers): NetworkReport {
  const task = {
    title: "E6 · your MLP with BatchNorm on the three spirals",
    call: "checkBatchNormClassifier(trainSpiralsBatchNorm, mine)",
    inputs: 2,
    outputs: 3,
    name: "your MLP with BatchNorm",
  };
  return gradeSpirals(task, train, mine, (model, g) => {
    g.check("uses your BatchNorm1d (E4)", () => {
      const count = model.net.layers.filter((l) => l instanceof mine.BatchNorm1d).length;
      if (count === 0)
        throw new CheckFailure("the network has no BatchNorm1d of yours", "put new BatchNorm1d(h) between each hidden Linear(…, h) and its ReLU");
      return `${count} BatchNorm1d layer${count > 1 ? "s" : ""}; validation runs in eval mode, on their running statistics`;
    });
  });
}

function gradeSpirals(
  task: NetworkTask,
  train: TrainFunction<Int32Array>,
  mine: MyLayers,
  extra?: (model: Network<Int32Array>, g: Grader) => void,
): NetworkReport {
  const data = spiralData();
  const own = { loss: mine?.softmaxCrossEntropy, engineLoss: engineSoftmaxCrossEntropy, lossName: "softmaxCrossEntropy", model: "nn.Classifier" };
  return gradeNetwork(task, train, data, mine, own, (model, g) => {
    extra?.(model, g);
    let accuracy = NaN;
    g.check("validation accuracy ≥ 0.95", () => {
      accuracy = evaluate(model, data.val).metric;
      if (!(accuracy >= 0.95)) throw new CheckFailure(`validation accuracy ${accuracy.toFixed(4)} < 0.95`, underfitHint(model));
      return `validation accuracy ${accuracy.toFixed(4)}`;
    });
    return (history) => {
      const Name = task.name.replace(/^y/, "Y");
      plot.showFigure(plot.learningCurves({ [task.name]: history }, "metric", `${Name} on the spirals: accuracy`));
      const grid = plot.decisionGrid((x) => argmaxRows(model.forward(x, { training: false })), data.val.x, 100);
      plot.showFigure(plot.decisionRegions(grid, data.val.x, data.val.y, `${Name}: decision regions (validation accuracy ${accuracy.toFixed(3)})`), {
        height: 520,
      });
    };
  });
}

export function gradeCurveRegressor(train: TrainFunction<Matrix>, mine: MyLayers): NetworkReport {
  const data = curveData();
  const floor = curveNoiseFloor(data.val);
  const task = {
    title: "E6 · your regressor on the noisy curve",
    call: "checkCurveRegressor(trainCurve, mine)",
    inputs: 1,
    outputs: 1,
    name: "your regressor",
  };
  const own = { loss: mine?.meanSquaredError, engineLoss: engineMeanSquaredError, lossName: "meanSquaredError", model: "nn.Regressor" };
  return gradeNetwork(task, train, data, mine, own, (model, g) => {
    let mse = NaN;
    g.check(`validation MSE ≤ 2 × noise floor (${(2 * floor).toFixed(4)})`, () => {
      mse = evaluate(model, data.val).metric;
      if (!(mse <= 2 * floor))
        throw new CheckFailure(`validation MSE ${mse.toFixed(4)} = ${(mse / floor).toFixed(2)} × the noise floor ${floor.toFixed(4)}`, underfitHint(model));
      return `validation MSE ${mse.toFixed(4)} = ${(mse / floor).toFixed(2)} × the noise floor ${floor.toFixed(4)}`;
    });
    return (history) => {
      plot.showFigure(plot.learningCurves({ "your regressor": history }, "metric", "Your regressor on the curve: MSE"));
      const xs = Array.from({ length: 200 }, (_, i) => -3 + (6 * i) / 199);
      const fitted = model.forward(Matrix.fromValues(200, 1, xs, "float64"), { training: false });
      plot.showFigure(
        plot.regressionFit(
          data.val.x,
          data.val.y,
          [
            { name: "true f(x)", x: xs, y: xs.map(curveTarget) },
            { name: "your regressor", x: xs, y: Array.from(fitted.data) },
          ],
          `Validation data and your fit (MSE ${mse.toFixed(4)})`,
        ),
      );
    };
  });
}

/** Adds the score's check to g; returns what shows the trained model's charts. */
type Score<Y extends Matrix | Int32Array> = (model: Network<Y>, g: Grader) => (history: History) => void;

interface NetworkTask {
  title: string;
  /** The check cell's call, for the message when something else than a function is passed. */
  call: string;
  inputs: number;
  outputs: number;
  /** "your MLP": the name in the charts. */
  name: string;
}

/** The loss the model must use: the learner's, and the engine's to name when it is that one. */
interface OwnLoss {
  loss: unknown;
  engineLoss: unknown;
  lossName: string;
  model: string;
}

function gradeNetwork<Y extends Matrix | Int32Array>(
  task: NetworkTask,
  train: TrainFunction<Y>,
  data: TrainValData<Y>,
  mine: MyLayers,
  own: OwnLoss,
  score: Score<Y>,
): NetworkReport {
  const { inputs, outputs } = task;
  const g = new Grader(task.title, `${data.train.x.rows} training and ${data.val.x.rows} validation points, float64`);
  const none = (): NetworkReport => ({ ...g.report(), showCharts: () => undefined });
  if (!g.requireFunction(train, "your training function", task.call) || !ownClasses(g, mine)) return none();
  let trained: Trained<Y> | null = null;
  const started = performance.now();
  const steps = watchSteps(mine.SGD);
  let ran: boolean;
  try {
    ran = g.check("your training function returns { model, history }", () => {
      trained = validTrained(trainWithHints(train, data));
      return `trained in ${((performance.now() - started) / 1000).toFixed(1)} s, ${trained.history.epoch.length} epochs`;
    });
  } finally {
    steps.restore();
  }
  if (!ran || trained === null) return none();
  const { model, history } = trained as Trained<Y>;
  const layers = model.net.layers;
  checkOwnLayers(g, layers, mine);
  checkOwnLoss(g, model, own.loss, own.engineLoss, own.lossName, own.model);
  g.check("trained by your SGD (E5)", () => {
    if (steps.engine > 0) throw new CheckFailure(`the engine's SGD took ${steps.engine} steps${steps.mine > 0 ? ` (yours ${steps.mine})` : ""}`, SGD_HINT);
    if (steps.mine === 0)
      throw new CheckFailure("your SGD's step was never called while your training function ran", `${SGD_HINT} (step must be a method of your SGD class)`);
    const params = learner("the model's params", () => model.params());
    const missed = params.filter((p) => !steps.params.has(p));
    if (missed.length > 0) {
      throw new CheckFailure(
        `${missed.length} of the returned model's ${params.length} param tensors (${missed.map((p) => p.name).join(", ")}) were never passed to your SGD`,
        "return the model that nn.fit trained (the same object), with all its layers trained",
      );
    }
    return `${steps.mine} steps of your SGD, on all ${params.length} param tensors of the returned model`;
  });
  g.check(`maps (N, ${inputs}) inputs to (N, ${outputs}) outputs, ending in a layer with params`, () => {
    const out = asMatrix(
      learner("the model's forward", () => model.forward(randomMatrix(5, inputs, new Rng(3)), { training: false })),
      "the model's output",
      "5 random inputs",
    );
    if (out.rows !== 5 || out.cols !== outputs)
      throw new CheckFailure(
        `5 inputs gave an output of shape ${out.shape}, expected (5, ${outputs})`,
        `the last Linear must have ${outputs} output${outputs > 1 ? "s" : ""}`,
      );
    const last = layers[layers.length - 1];
    if (learner("the last layer's params", () => last.params()).length === 0) {
      throw new CheckFailure(
        `the network ends with ${last.label ?? "an activation"}`,
        "the output layer must be a Linear: logits and regression values can be negative, and an activation after it would clip or squash them",
      );
    }
    return `(N, ${inputs}) → (N, ${outputs}), last layer ${last.label}`;
  });
  g.check("is not linear: an activation between Linear layers", () => {
    const gap = nonlinearity(model, inputs);
    if (gap < 1e-9)
      throw new CheckFailure(
        `f((a + b)/2) equals (f(a) + f(b))/2 to ${sci(gap)}: the model is a linear function`,
        "put a ReLU (or Sigmoid) after each hidden Linear; stacked Linear layers without one collapse into a single Linear",
      );
    return `f((a + b)/2) differs from (f(a) + f(b))/2 by ${sci(gap)} of the outputs' size`;
  });
  const show = score(model, g);
  return { ...g.report(), showCharts: () => show(history) };
}

// ---- Helpers ----

/** Runs the learner's training function; a divergence gets its own hint. */
function trainWithHints<Y extends Matrix | Int32Array>(train: TrainFunction<Y>, data: TrainValData<Y>): unknown {
  try {
    return learner(train.name || "training function", () => train(data));
  } catch (err) {
    if (err instanceof LearnerThrew && err.thrown instanceof DivergenceError) {
      throw new CheckFailure(
        err.message,
        "the loss overflowed: lower the lr (ReLU networks trained on MSE need a smaller one with He init, or Xavier init), and make sure E1–E5 all pass",
      );
    }
    throw err;
  }
}

export function validModel<Y extends Matrix | Int32Array>(model: unknown): model is Network<Y> {
  const m = model as Network<Y> | undefined;
  return typeof m?.forward === "function" && typeof m?.loss === "function" && typeof m?.backwardParams === "function" && Array.isArray(m?.net?.layers);
}

function validTrained<Y extends Matrix | Int32Array>(result: unknown): Trained<Y> {
  const r = result as { model?: unknown; history?: unknown } | null;
  const model = r?.model;
  if (!validModel<Y>(model)) {
    throw new CheckFailure(
      `it returned ${describeValue(result)}${r?.model !== undefined ? ` with model ${describeValue(r.model)}` : ""}`,
      "return { model, history }: model is the nn.Classifier / nn.Regressor you trained, history what nn.fit returned",
    );
  }
  const history = r?.history as History | undefined;
  if (history === undefined || !Array.isArray(history.epoch) || !Array.isArray(history.valMetric)) {
    throw new CheckFailure(`its history is ${describeValue(r?.history)}`, "return the history nn.fit gives you, trained with val: data.val");
  }
  return { model, history };
}

/** Largest |f(midpoint) − mean of f(ends)| over random pairs, relative to the outputs' size: 0 for a linear model. */
function nonlinearity(model: Pick<Layer, "forward">, inputs: number): number {
  const rng = new Rng(11);
  const a = randomMatrix(16, inputs, rng);
  const b = randomMatrix(16, inputs, rng);
  const mid = mapMatrix(a, (v, i, j) => (v + b.get(i, j)) / 2);
  const f = (x: Matrix): Matrix =>
    asMatrix(
      learner("the model's forward", () => model.forward(x, { training: false })),
      "the model's output",
      "random inputs",
    ).clone();
  const fa = f(a);
  const fb = f(b);
  const fm = f(mid);
  const mean = mapMatrix(fa, (v, i, j) => (v + fb.get(i, j)) / 2);
  const scale = Math.max(1e-12, ...Array.from(fa.data, Math.abs), ...Array.from(fb.data, Math.abs));
  return maxAbsDiff(fm.data, mean.data) / scale;
}

function underfitHint(model: Pick<Layer, "params">): string {
  return `check that E1–E5 all pass and that the checks before training pass, then try more epochs, a larger lr or wider layers (${model.params().length} param tensors now)`;
}
