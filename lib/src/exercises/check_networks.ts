// E6's grader: the learner trains a network made only of their own layers with the
// engine's fit, and the grader scores it on held-out data: ≥ 0.95 accuracy on the three
// spirals, a validation MSE within 2× the noise floor on the noisy curve. Before the
// score it checks what usually explains a bad one: the engine's layers slipped in, an
// activation after the output layer, no activation at all (a linear model).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { BatchNorm1d, Layer, Linear, ReLU, Sigmoid } from "../layers";
import { Network } from "../models";
import { History, evaluate } from "../train/trainer";
import { Dataset, trainValSplit } from "../data/dataset";
import { curveTarget, makeCurve, makeSpirals } from "../data/synthetic";
import { randomMatrix } from "../testing/gradcheck";
import { argmaxRows } from "../kernels";
import * as plot from "../plot";
import { CheckFailure, Grader, LearnerThrew, learner, sci } from "./grader";
import { DivergenceError } from "../errors";
import { asMatrix, describeValue, maxAbsDiff } from "./compare";
import { mapMatrix } from "./matrix_ops";
import type { ExerciseReport } from "./report";

export interface TrainValData<Y extends Matrix | Int32Array> {
  train: Dataset<Y>;
  val: Dataset<Y>;
}

/** What the learner's training function returns: the trained model and fit's history. */
export interface Trained<Y extends Matrix | Int32Array> {
  model: Network<Y>;
  history: History;
}

export type TrainFunction<Y extends Matrix | Int32Array> = (data: TrainValData<Y>) => Trained<Y>;

/** A report, and charts of the trained model (none when training failed). */
export interface NetworkReport extends ExerciseReport {
  showCharts(): void;
}

/** Lab 1's spirals and curve, in float64, split the same way. */
export function spiralData(): TrainValData<Int32Array> {
  const { train, val } = trainValSplit(makeSpirals({ pointsPerClass: 300, classes: 3, noise: 0.2, seed: 0 }), 0.2, 1);
  return { train: { x: train.x.astype("float64"), y: train.y }, val: { x: val.x.astype("float64"), y: val.y } };
}

export function curveData(): TrainValData<Matrix> {
  const { train, val } = trainValSplit(makeCurve({ n: 600, noise: 0.1, seed: 0 }), 0.2, 1);
  return { train: { x: train.x.astype("float64"), y: train.y.astype("float64") }, val: { x: val.x.astype("float64"), y: val.y.astype("float64") } };
}

/** The validation MSE of the true curve itself: what no model can beat on this data. */
export function curveNoiseFloor(val: Dataset<Matrix>): number {
  let sum = 0;
  for (let i = 0; i < val.x.rows; i++) sum += (val.y.data[i] - curveTarget(val.x.data[i])) ** 2;
  return sum / val.x.rows;
}

export function gradeSpiralClassifier(train: TrainFunction<Int32Array>): NetworkReport {
  const data = spiralData();
  return gradeNetwork({ title: "E6 · your MLP on the three spirals", call: "checkSpiralClassifier(trainSpirals)", inputs: 2, outputs: 3 }, train, data, (model, g) => {
    let accuracy = NaN;
    g.check("validation accuracy ≥ 0.95", () => {
      accuracy = evaluate(model, data.val).metric;
      if (!(accuracy >= 0.95)) throw new CheckFailure(`validation accuracy ${accuracy.toFixed(4)} < 0.95`, underfitHint(model));
      return `validation accuracy ${accuracy.toFixed(4)}`;
    });
    return (history) => {
      plot.showFigure(plot.learningCurves({ "your MLP": history }, "metric", "Your MLP on the spirals: accuracy"));
      const grid = plot.decisionGrid((x) => argmaxRows(model.forward(x, { training: false })), data.val.x, 100);
      plot.showFigure(plot.decisionRegions(grid, data.val.x, data.val.y, `Your MLP's decision regions (validation accuracy ${accuracy.toFixed(3)})`), { height: 520 });
    };
  });
}

export function gradeCurveRegressor(train: TrainFunction<Matrix>): NetworkReport {
  const data = curveData();
  const floor = curveNoiseFloor(data.val);
  return gradeNetwork({ title: "E6 · your regressor on the noisy curve", call: "checkCurveRegressor(trainCurve)", inputs: 1, outputs: 1 }, train, data, (model, g) => {
    let mse = NaN;
    g.check(`validation MSE ≤ 2 × noise floor (${(2 * floor).toFixed(4)})`, () => {
      mse = evaluate(model, data.val).metric;
      if (!(mse <= 2 * floor)) throw new CheckFailure(`validation MSE ${mse.toFixed(4)} = ${(mse / floor).toFixed(2)} × the noise floor ${floor.toFixed(4)}`, underfitHint(model));
      return `validation MSE ${mse.toFixed(4)} = ${(mse / floor).toFixed(2)} × the noise floor ${floor.toFixed(4)}`;
    });
    return (history) => {
      plot.showFigure(plot.learningCurves({ "your regressor": history }, "metric", "Your regressor on the curve: MSE"));
      const xs = Array.from({ length: 200 }, (_, i) => -3 + (6 * i) / 199);
      const fitted = model.forward(Matrix.fromValues(200, 1, xs, "float64"), { training: false });
      plot.showFigure(plot.regressionFit(data.val.x, data.val.y, [
        { name: "true f(x)", x: xs, y: xs.map(curveTarget) },
        { name: "your regressor", x: xs, y: Array.from(fitted.data) },
      ], `Validation data and your fit (MSE ${mse.toFixed(4)})`));
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
}

function gradeNetwork<Y extends Matrix | Int32Array>(task: NetworkTask, train: TrainFunction<Y>, data: TrainValData<Y>, score: Score<Y>): NetworkReport {
  const { inputs, outputs } = task;
  const g = new Grader(task.title, `${data.train.x.rows} training and ${data.val.x.rows} validation points, float64`);
  let trained: Trained<Y> | null = null;
  const started = performance.now();
  if (!g.requireFunction(train, "your training function", task.call)) return { ...g.report(), showCharts: () => undefined };
  const ran = g.check("your training function returns { model, history }", () => {
    trained = validTrained(trainWithHints(train, data));
    return `trained in ${((performance.now() - started) / 1000).toFixed(1)} s, ${trained.history.epoch.length} epochs`;
  });
  if (!ran || trained === null) return { ...g.report(), showCharts: () => undefined };
  const { model, history } = trained as Trained<Y>;
  const layers = model.net.layers;
  g.check("built only from your own layers", () => {
    const engine = layers.findIndex((l) => l instanceof Linear || l instanceof BatchNorm1d || l instanceof ReLU || l instanceof Sigmoid);
    if (engine >= 0) throw new CheckFailure(`layer ${engine} is the engine's ${layers[engine].label}`, "build the network from your classes (imported from ./my_layers), not nn.Linear and friends");
    return `${layers.length} layers: ${layers.map((l) => l.label ?? l.constructor.name).join(" → ")}`;
  });
  g.check(`maps (N, ${inputs}) inputs to (N, ${outputs}) outputs, ending in a layer with params`, () => {
    const out = asMatrix(learner("the model's forward", () => model.forward(randomMatrix(5, inputs, new Rng(3)), { training: false })), "the model's output", "5 random inputs");
    if (out.rows !== 5 || out.cols !== outputs) throw new CheckFailure(`5 inputs gave an output of shape ${out.shape}, expected (5, ${outputs})`, `the last Linear must have ${outputs} output${outputs > 1 ? "s" : ""}`);
    const last = layers[layers.length - 1];
    if (learner("the last layer's params", () => last.params()).length === 0) {
      throw new CheckFailure(`the network ends with ${last.label ?? "an activation"}`, "the output layer must be a Linear: logits and regression values can be negative, and an activation after it would clip or squash them");
    }
    return `(N, ${inputs}) → (N, ${outputs}), last layer ${last.label}`;
  });
  g.check("is not linear: an activation between Linear layers", () => {
    const gap = nonlinearity(model, inputs);
    if (gap < 1e-9) throw new CheckFailure(`f((a + b)/2) equals (f(a) + f(b))/2 to ${sci(gap)}: the model is a linear function`, "put a ReLU (or Sigmoid) after each hidden Linear; stacked Linear layers without one collapse into a single Linear");
    return `f((a + b)/2) differs from (f(a) + f(b))/2 by ${sci(gap)} of the outputs' size`;
  });
  const show = score(model, g);
  return { ...g.report(), showCharts: () => show(history) };
}

/** Runs the learner's training function; a divergence gets its own hint. */
function trainWithHints<Y extends Matrix | Int32Array>(train: TrainFunction<Y>, data: TrainValData<Y>): unknown {
  try {
    return learner(train.name || "training function", () => train(data));
  } catch (err) {
    if (err instanceof LearnerThrew && err.thrown instanceof DivergenceError) {
      throw new CheckFailure(err.message, "the loss overflowed: lower the lr (ReLU networks trained on MSE need a smaller one with He init, or Xavier init), and make sure E1–E5 all pass");
    }
    throw err;
  }
}

function validTrained<Y extends Matrix | Int32Array>(result: unknown): Trained<Y> {
  const r = result as { model?: unknown; history?: unknown } | null;
  const model = r?.model as Network<Y> | undefined;
  if (typeof model?.forward !== "function" || !Array.isArray(model?.net?.layers)) {
    throw new CheckFailure(`it returned ${describeValue(result)}${r?.model !== undefined ? ` with model ${describeValue(r.model)}` : ""}`, "return { model, history }: model is the nn.Classifier / nn.Regressor you trained, history what nn.fit returned");
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
  const f = (x: Matrix): Matrix => asMatrix(learner("the model's forward", () => model.forward(x, { training: false })), "the model's output", "random inputs").clone();
  const fa = f(a);
  const fb = f(b);
  const fm = f(mid);
  const mean = mapMatrix(fa, (v, i, j) => (v + fb.get(i, j)) / 2);
  const scale = Math.max(1e-12, ...Array.from(fa.data, Math.abs), ...Array.from(fb.data, Math.abs));
  return maxAbsDiff(fm.data, mean.data) / scale;
}

function underfitHint(model: Pick<Layer, "params">): string {
  return `check that E1–E5 all pass, then try more epochs, a larger lr or wider layers (${model.params().length} param tensors now)`;
}
