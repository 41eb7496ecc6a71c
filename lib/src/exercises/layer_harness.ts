// Running a learner's layer the way the engine does (forward, then backward) and
// checking its gradients against centred finite differences of its own forward.
// Results are copied: a layer may reuse its output buffers on the next call.
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { missingLayerMethods } from "../layers";
import type { Layer, Param } from "../layers";
import { numericalGradient, randomMatrix } from "../testing/gradcheck";
import { CheckFailure, ErrorStats, learner } from "./grader";
import { asMatrix, describeValue, expectClose, expectMatchesNumeric, firstNonFiniteIndex } from "./answer_comparison";
import { suspectsFor } from "./mistakes/catalogue";
import { SECOND_BACKWARD_MISTAKES } from "./mistakes/layers";

/** Builds a learner's layer; a missing method is a CheckFailure naming it. */
export function construct<T extends Layer>(name: string, build: () => T): T {
  const layer = learner(`${name} constructor`, build);
  const missing = missingLayerMethods(layer);
  if (missing.length > 0) {
    throw new CheckFailure(
      `${name} has no ${missing.map((m) => `${m}()`).join(", no ")}`,
      "a layer implements nn.Layer: forward(x, options), backward(dOut), params() and buffers(); keep the methods the exercise gives you",
    );
  }
  return layer;
}

/** The layer's params, checked to be a list of {value, grad} matrices. */
export function paramsOf(layer: Layer, name: string): Param[] {
  const params = learner(`${name}.params`, () => layer.params());
  if (!Array.isArray(params) || params.some((p) => !(p?.value instanceof Matrix) || !(p?.grad instanceof Matrix))) {
    throw new CheckFailure(
      `${name}.params() returned ${describeValue(params)}`,
      "return the list of nn.Param objects the constructor made, e.g. [this.weight, this.bias]",
    );
  }
  return params;
}

/** forward on a copy of x (the learner's code may overwrite it), its output copied. */
export function forwardCopy(layer: Layer, name: string, x: Matrix, training: boolean, where: string): Matrix {
  const input = x.clone();
  const y = learner(`${name}.forward`, () => layer.forward(input, { training }));
  return asMatrix(y, `the output of ${name}.forward`, where).clone();
}

/** backward(dOut) as a copy (dOut is passed as a copy too, so the layer may overwrite it). */
export function backwardCopy(layer: Layer, name: string, dOut: Matrix, where: string): Matrix {
  const dX = learner(`${name}.backward`, () => layer.backward(dOut.clone()));
  return asMatrix(dX, `dX (the return value of ${name}.backward)`, where).clone();
}

/** Fails unless forward(x) leaves x as it was (a layer must not overwrite its input). */
export function expectInputKept(layer: Layer, name: string, x: Matrix, training: boolean, where: string): void {
  const input = x.clone();
  asMatrix(
    learner(`${name}.forward`, () => layer.forward(input, { training })),
    `the output of ${name}.forward`,
    where,
  );
  for (let i = 0; i < x.data.length; i++) {
    if (!Object.is(input.data[i], x.data[i])) {
      throw new CheckFailure(
        `${where}: ${name}.forward changed its input x`,
        "write the result into a new matrix (new nn.Matrix(x.rows, x.cols, x.dtype)); the caller may still need x",
      );
    }
  }
}

/**
 * The layer's backward against centred finite differences of its forward: with a fixed
 * random R, f = Σ forward(x)·R has ∂f/∂x = backward(R) and ∂f/∂θ = θ.grad.
 * `names` labels the params in order, e.g. ["dW", "db"].
 */
export function expectNumericGradients(
  layer: Layer,
  name: string,
  x: Matrix,
  training: boolean,
  names: readonly string[],
  where: string,
  stats: ErrorStats,
): void {
  const y = forwardCopy(layer, name, x, training, where);
  const upstream = randomMatrix(y.rows, y.cols, new Rng(7));
  const f = (): number => {
    const out = asMatrix(
      learner(`${name}.forward`, () => layer.forward(x, { training })),
      `the output of ${name}.forward`,
      where,
    );
    let s = 0;
    for (let i = 0; i < out.data.length; i++) s += out.data[i] * upstream.data[i];
    return s;
  };
  f();
  const dX = backwardCopy(layer, name, upstream, where);
  const targets = [{ label: "dX", value: x, grad: dX.data }];
  paramsOf(layer, name).forEach((p, i) => targets.push({ label: names[i] ?? p.name, value: p.value, grad: p.grad.data.slice() }));
  for (const t of targets) {
    if (t.value.dtype !== "float64") {
      throw new CheckFailure(
        `${where}: ${t.label}'s param is ${t.value.dtype}`,
        "create params with the dtype the constructor is given; the checks run in float64",
      );
    }
    if (t.grad.length !== t.value.data.length) {
      throw new CheckFailure(
        `${where}: ${t.label} has ${t.grad.length} values for ${t.value.data.length} inputs, so it cannot be compared`,
        "fix its shape first (see the check above)",
      );
    }
    const numeric = numericalGradient(f, t.value);
    if (firstNonFiniteIndex(numeric) >= 0) throw new CheckFailure(`${where}: the forward pass gives non-finite values near these inputs`);
    expectMatchesNumeric(t.grad, numeric, stats, t.label, where, `your backward's ${t.label} is not the derivative of your own forward`, t.value.cols);
  }
}

/** What a layer that kept its first forward's cache (`this.x ??= x`) is told. */
export const STALE_CACHE_HINT =
  "backward used what the FIRST forward call stored, not the latest: the check calls forward on a decoy batch first, then on this one. Store the cache on every forward call (this.x = x), not only once (this.x ??= x)";

/** What a layer whose forward returned its first call's output is told. */
export const FIRST_OUTPUT_HINT = "forward returned the output of its FIRST call (a decoy batch), not of this x: compute y from the x it is given, every call";

/**
 * forward on a decoy batch, then on x, and backward(dOut): a layer must differentiate
 * its latest forward, whatever it saw before. Returns dX (copied).
 */
export function backwardAfterDecoy(layer: Layer, name: string, decoy: Matrix, x: Matrix, training: boolean, dOut: Matrix, where: string): Matrix {
  forwardCopy(layer, name, decoy, training, where);
  forwardCopy(layer, name, x, training, where);
  return backwardCopy(layer, name, dOut, where);
}

/**
 * After a forward, backward(dOut) twice: the second call must give the same dX and leave
 * every param's grad as the first call set it (overwritten, not accumulated).
 * `names` labels the params in order, e.g. ["dW", "db"].
 */
export function expectBackwardOverwrites(layer: Layer, name: string, dOut: Matrix, names: readonly string[], where: string, stats: ErrorStats): void {
  const params = paramsOf(layer, name);
  const dX1 = backwardCopy(layer, name, dOut, where);
  const first = params.map((p) => p.grad.clone());
  const dX2 = backwardCopy(layer, name, dOut, where);
  params.forEach((p, i) => {
    const label = names[i] ?? p.name;
    expectClose(p.grad, first[i], stats, {
      what: `${label} after a second backward`,
      where,
      suspects: suspectsFor(SECOND_BACKWARD_MISTAKES, "grad", { first: first[i] }),
      hint: `a second backward with the same dOut must set ${label} to the same value as the first (it is overwritten, not accumulated)`,
    });
  });
  expectClose(dX2, dX1, stats, {
    what: "dX of a second backward",
    where,
    suspects: suspectsFor(SECOND_BACKWARD_MISTAKES, "dX", { first: dX1 }),
    hint: "a second backward with the same dOut must return the same dX: backward must not change what forward stored",
  });
}
