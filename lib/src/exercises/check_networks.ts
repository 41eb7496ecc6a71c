// E6's grader: the learner chooses a network and its training, the grader scores outcomes.
// Before training (CS231n's sanity checks): the untrained classifier's loss is ≈ ln C, and
// the network overfits 20 points. After training: ≥ 0.95 validation accuracy on the three
// spirals (with and without the learner's BatchNorm), a validation MSE within 2× the noise
// floor on the noisy curve. Every grade first checks that the work is the learner's: the
// layers are instances of their classes, the loss is their function, and their SGD (and
// not the engine's) took the steps. It also names what usually explains a bad score: an
// activation after the output layer, no activation at all (a linear model).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { BatchNorm1d, Layer, Linear, Param, ReLU, Sigmoid } from "../layers";
import { softmaxCrossEntropy as engineSoftmaxCrossEntropy, meanSquaredError as engineMeanSquaredError } from "../losses";
import { SGD as EngineSGD, Optimizer } from "../optim/sgd";
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
import type { MyLayers } from "./checks";

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

/** What the learner's network function returns: an untrained model and the optimiser that will train it. */
export interface NetworkSetup<Y extends Matrix | Int32Array> {
  model: Network<Y>;
  optimizer: Optimizer;
}

export type SetupFunction<Y extends Matrix | Int32Array> = () => NetworkSetup<Y>;

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

// ---- Before training: CS231n's two sanity checks ----

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
  const g = new Grader("E6 · before training: your spirals network", `${data.train.x.rows} training points, ${classes} classes; ${OVERFIT.points} of them for the overfit test`);
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
      throw new CheckFailure(detail, loss > lnC
        ? `an untrained classifier should be unsure: all ${classes} classes about equally likely, a loss near ln ${classes}. Yours is confidently wrong: its logits are too large. Start from smaller weights (He or Xavier init, nothing scaled up), and check that your loss is the mean over the batch, not the sum`
        : `no untrained network can do better than guessing; a loss below ln ${classes} means the loss is wrong: softmax must normalise each row (exp(z − max) / Σ exp(z − max)) and the loss is −log of the true class's probability`);
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
      if (start > (1 + INITIAL_LOSS_TOLERANCE) * lnC) throw new CheckFailure(detail, `it starts from a loss of ${start.toFixed(1)}, far above ln ${classes}: make the initial loss right first (the check above), then this one`);
      throw new CheckFailure(detail, end > start / 2
        ? `the loss hardly fell: the gradients do not lower it. Look for a bug in a backward (do all of E1–E5 pass in the checkAll cell above? re-collect after fixing them) or an lr far too small`
        : `it learns, but too slowly to memorise ${OVERFIT.points} points: raise the lr (yours is ${fresh.optimizer.lr}; try 2 to 3 times larger) or widen the layers. A network that cannot overfit ${OVERFIT.points} points will not fit ${data.train.x.rows}`);
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

// ---- After training: outcomes ----

export function gradeSpiralClassifier(train: TrainFunction<Int32Array>, mine: MyLayers): NetworkReport {
  return gradeSpirals({ title: "E6 · your MLP on the three spirals", call: "checkSpiralClassifier(trainSpirals, mine)", inputs: 2, outputs: 3, name: "your MLP" }, train, mine);
}

/** The same target with the learner's BatchNorm1d in the network: E4 trains, and its running statistics score the validation set. */
export function gradeBatchNormClassifier(train: TrainFunction<Int32Array>, mine: MyLayers): NetworkReport {
  const task = { title: "E6 · your MLP with BatchNorm on the three spirals", call: "checkBatchNormClassifier(trainSpiralsBatchNorm, mine)", inputs: 2, outputs: 3, name: "your MLP with BatchNorm" };
  return gradeSpirals(task, train, mine, (model, g) => {
    g.check("uses your BatchNorm1d (E4)", () => {
      const count = model.net.layers.filter((l) => l instanceof mine.BatchNorm1d).length;
      if (count === 0) throw new CheckFailure("the network has no BatchNorm1d of yours", "put new BatchNorm1d(h) between each hidden Linear(…, h) and its ReLU");
      return `${count} BatchNorm1d layer${count > 1 ? "s" : ""}; validation runs in eval mode, on their running statistics`;
    });
  });
}

function gradeSpirals(task: NetworkTask, train: TrainFunction<Int32Array>, mine: MyLayers, extra?: (model: Network<Int32Array>, g: Grader) => void): NetworkReport {
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
      plot.showFigure(plot.decisionRegions(grid, data.val.x, data.val.y, `${Name}: decision regions (validation accuracy ${accuracy.toFixed(3)})`), { height: 520 });
    };
  });
}

export function gradeCurveRegressor(train: TrainFunction<Matrix>, mine: MyLayers): NetworkReport {
  const data = curveData();
  const floor = curveNoiseFloor(data.val);
  const task = { title: "E6 · your regressor on the noisy curve", call: "checkCurveRegressor(trainCurve, mine)", inputs: 1, outputs: 1, name: "your regressor" };
  const own = { loss: mine?.meanSquaredError, engineLoss: engineMeanSquaredError, lossName: "meanSquaredError", model: "nn.Regressor" };
  return gradeNetwork(task, train, data, mine, own, (model, g) => {
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

function gradeNetwork<Y extends Matrix | Int32Array>(task: NetworkTask, train: TrainFunction<Y>, data: TrainValData<Y>, mine: MyLayers, own: OwnLoss, score: Score<Y>): NetworkReport {
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
    if (steps.mine === 0) throw new CheckFailure("your SGD's step was never called while your training function ran", `${SGD_HINT} (step must be a method of your SGD class)`);
    const params = learner("the model's params", () => model.params());
    const missed = params.filter((p) => !steps.params.has(p));
    if (missed.length > 0) {
      throw new CheckFailure(`${missed.length} of the returned model's ${params.length} param tensors (${missed.map((p) => p.name).join(", ")}) were never passed to your SGD`, "return the model that nn.fit trained (the same object), with all its layers trained");
    }
    return `${steps.mine} steps of your SGD, on all ${params.length} param tensors of the returned model`;
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

// ---- Is it the learner's work? ----

const SGD_HINT = "give nn.fit your optimiser: optimizer: new SGD({ lr, weightDecay }) with SGD imported from ./my_layers (nn.fit's own lr option, and new nn.SGD, use the engine's)";

/**
 * Whether `mine` holds the learner's classes and functions rather than the engine's; if not,
 * records a failed check saying which. (The check cells pass the object built from ./my_layers.)
 */
function ownClasses(g: Grader, mine: MyLayers): boolean {
  const engine: Record<keyof MyLayers, unknown> = {
    Linear, ReLU, Sigmoid, BatchNorm1d, SGD: EngineSGD,
    softmaxCrossEntropy: engineSoftmaxCrossEntropy, meanSquaredError: engineMeanSquaredError,
  };
  const names = Object.keys(engine) as (keyof MyLayers)[];
  const wrong = names.filter((k) => typeof mine?.[k] !== "function" || mine[k] === engine[k]);
  if (wrong.length === 0) return true;
  g.check("mine holds your code from ./my_layers", () => {
    const what = wrong.map((k) => (typeof mine?.[k] === "function" ? `${k} is the engine's` : `${k} is ${describeValue(mine?.[k])}`));
    throw new CheckFailure(what.join(", "), "pass the object the import cell builds from ./my_layers: { Linear: Linear, ReLU: ReLU, … }");
  });
  return false;
}

/** Every layer is an instance of one of the learner's layer classes (E1, E2, E4). */
function checkOwnLayers(g: Grader, layers: readonly Layer[], mine: MyLayers): void {
  g.check("built only from your own layers", () => {
    const engine = layers.findIndex((l) => l instanceof Linear || l instanceof BatchNorm1d || l instanceof ReLU || l instanceof Sigmoid);
    if (engine >= 0) throw new CheckFailure(`layer ${engine} is the engine's ${layers[engine].label}`, "build the network from your classes (imported from ./my_layers), not nn.Linear and friends");
    const ownClass = [mine.Linear, mine.ReLU, mine.Sigmoid, mine.BatchNorm1d];
    const other = layers.findIndex((l) => !ownClass.some((C) => l instanceof C));
    if (other >= 0) {
      const l = layers[other] as Layer | null;
      throw new CheckFailure(`layer ${other} (${l?.label ?? describeValue(l)}) is not an instance of your Linear, ReLU, Sigmoid or BatchNorm1d`, "build the network from your classes (imported from ./my_layers): the point of E6 is that every forward and backward is yours");
    }
    return `${layers.length} layers: ${layers.map((l) => l.label ?? l.constructor.name).join(" → ")}`;
  });
}

/** The model's loss is the learner's function itself (E3): the one nn.fit called through model.loss. */
function checkOwnLoss(g: Grader, model: object, loss: unknown, engineLoss: unknown, name: string, modelClass: string): void {
  g.check(`its loss is your ${name} (E3)`, () => {
    const used = (model as { lossFunction?: unknown }).lossFunction;
    const how = `new ${modelClass}(layers, { loss: ${name} }), with ${name} from ./my_layers`;
    if (used === engineLoss) throw new CheckFailure(`the model's loss is the engine's ${name}`, `${how}; without a loss, ${modelClass} uses the engine's`);
    if (used !== loss) {
      const called = typeof used === "function" ? (used.name ? `function ${used.name}` : "an anonymous function") : describeValue(used);
      throw new CheckFailure(`the model's loss is ${called}, not your ${name}`, `${how}: pass the function itself, not a wrapper (a wrapper around yours cannot be told from one around the engine's)`);
    }
    return `${name} from ./my_layers`;
  });
}

/** Counts the steps of the learner's SGD and of the engine's while the learner's training runs, and the params stepped. */
interface StepWatch {
  mine: number;
  engine: number;
  params: Set<Param>;
  restore(): void;
}

function watchSteps(MySGD: MyLayers["SGD"]): StepWatch {
  const watch: StepWatch = { mine: 0, engine: 0, params: new Set(), restore: () => undefined };
  // NOTE: the engine's step is wrapped first, so a learner's SGD that inherits the engine's
  // step (class SGD extends nn.SGD) counts for both, and fails as the engine's.
  const undo = [
    wrapMethod(EngineSGD.prototype, "step", () => watch.engine++),
    wrapMethod(MySGD.prototype, "step", (params) => {
      watch.mine++;
      if (Array.isArray(params)) for (const p of params) watch.params.add(p as Param);
    }),
  ];
  watch.restore = () => undo.reverse().forEach((u) => u());
  return watch;
}

/** Replaces proto[name] by a method that calls `before` with its arguments, then the original; returns what undoes it. */
function wrapMethod(proto: object, name: string, before: (...args: unknown[]) => void): () => void {
  const target = proto as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== "function") return () => undefined;
  const own = Object.getOwnPropertyDescriptor(proto, name);
  Object.defineProperty(proto, name, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]): unknown {
      before(...args);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    },
  });
  return () => {
    if (own) Object.defineProperty(proto, name, own);
    else delete target[name];
  };
}

// ---- Helpers ----

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

function validModel<Y extends Matrix | Int32Array>(model: unknown): model is Network<Y> {
  const m = model as Network<Y> | undefined;
  return typeof m?.forward === "function" && typeof m?.loss === "function" && typeof m?.backwardParams === "function" && Array.isArray(m?.net?.layers);
}

function validTrained<Y extends Matrix | Int32Array>(result: unknown): Trained<Y> {
  const r = result as { model?: unknown; history?: unknown } | null;
  const model = r?.model;
  if (!validModel<Y>(model)) {
    throw new CheckFailure(`it returned ${describeValue(result)}${r?.model !== undefined ? ` with model ${describeValue(r.model)}` : ""}`, "return { model, history }: model is the nn.Classifier / nn.Regressor you trained, history what nn.fit returned");
  }
  const history = r?.history as History | undefined;
  if (history === undefined || !Array.isArray(history.epoch) || !Array.isArray(history.valMetric)) {
    throw new CheckFailure(`its history is ${describeValue(r?.history)}`, "return the history nn.fit gives you, trained with val: data.val");
  }
  return { model, history };
}

function validSetup<Y extends Matrix | Int32Array>(result: unknown): NetworkSetup<Y> {
  const r = result as { model?: unknown; optimizer?: { step?: unknown; lr?: unknown } } | null;
  if (!validModel<Y>(r?.model) || typeof r?.optimizer?.step !== "function" || typeof r.optimizer.lr !== "number") {
    throw new CheckFailure(`it returned ${describeValue(result)}`, "return { model, optimizer }: model a new, untrained nn.Classifier of your layers, optimizer new SGD({ lr, weightDecay }) (yours)");
  }
  return { model: r.model, optimizer: r.optimizer as Optimizer };
}

function forwardOf<Y extends Matrix | Int32Array>(model: Network<Y>, x: Matrix, training: boolean): Matrix {
  return asMatrix(learner("the model's forward", () => model.forward(x, { training })), "the model's output", `${x.rows} inputs`);
}

function lossOf(model: Network<Int32Array>, out: Matrix, y: Int32Array): number {
  const { loss } = learner("the model's loss", () => model.loss(out, y));
  if (typeof loss !== "number") throw new CheckFailure(`the loss returned loss = ${describeValue(loss)}`, "your loss returns { loss, grad } with loss a number");
  return loss;
}

/** The first n rows of x, as a new matrix. */
function rowsOf(x: Matrix, n: number): Matrix {
  return Matrix.fromValues(n, x.cols, Array.from(x.data.subarray(0, n * x.cols)), x.dtype);
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
  return `check that E1–E5 all pass and that the checks before training pass, then try more epochs, a larger lr or wider layers (${model.params().length} param tensors now)`;
}
