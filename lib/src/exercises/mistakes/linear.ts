// E1's mistakes: a Linear layer's forward, dX, dW and db as learners get them wrong. Each
// wrong implementation changes a correct Linear through its public face only (forward,
// backward, params()), so it applies to any correct learner's class.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { LinearClass } from "../learner_api";
import type { LinearCase } from "../check_cases";
import { FIRST_OUTPUT_HINT, STALE_CACHE_HINT } from "../layer_harness";
import { outerOfRow, rowMatrix, scaled, sumAlong, transposed, zerosLike } from "../matrix_ops";
import { Mistake, Mixable } from "./catalogue";
import { withFirstForwardCache, withFirstOutput } from "./layers";

export type LinearMistake = Mistake<LinearClass, LinearCase, "y" | "dX" | "dW" | "db">;

/** A correct Linear, changed by `change` after each backward (dW, db in params(); dX returned). */
function afterBackward(change: (layer: Layer, dOut: Matrix, dX: Matrix, x: Matrix) => Matrix | void): (Correct: LinearClass) => LinearClass {
  return (Correct) =>
    class extends (Correct as Mixable<Layer>) {
      private x: Matrix | null = null;
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        this.x = x.clone();
        return super.forward(x, options);
      }
      override backward(dOut: Matrix): Matrix {
        const dX = super.backward(dOut);
        return change(this, dOut, dX, this.x!) ?? dX;
      }
    };
}

/** A correct Linear whose forward output is changed by `change` (b is params()[1]). */
function afterForward(change: (y: Matrix, b: Matrix) => void): (Correct: LinearClass) => LinearClass {
  return (Correct) =>
    class extends (Correct as Mixable<Layer>) {
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        const y = super.forward(x, options).clone();
        change(y, this.params()[1].value);
        return y;
      }
    };
}

const weightOf = (layer: Layer) => layer.params()[0];
const biasOf = (layer: Layer) => layer.params()[1];
const setGrad = (layer: Layer, k: number, grad: Matrix): void => void Object.assign(layer.params()[k], { grad });

export const LINEAR_MISTAKES: readonly LinearMistake[] = [
  // ---- forward ----
  {
    id: "bias not added in forward",
    exercise: "E1",
    shows: ["y"],
    hint: "the bias b is not added: y = x·W + b, with b added to every row",
    value: (c) => minusRowVector(c.y, c.b),
    wrong: afterForward((y, b) => y.data.forEach((v, i, a) => (a[i] = v - b.data[i % y.cols]))),
  },
  {
    id: "b added to the first row only",
    exercise: "E1",
    shows: ["y"],
    hint: "b is added to the first row only; add it to every row of x·W",
    value: (c) => biasOnFirstRow(c),
    wrong: afterForward((y, b) => y.data.forEach((v, i, a) => (a[i] = i < y.cols ? v : v - b.data[i % y.cols]))),
  },
  {
    id: "forward returns its first output",
    exercise: "E1",
    shows: ["y"],
    hint: FIRST_OUTPUT_HINT,
    value: (c) => linearForward(c.decoy, c),
    wrong: withFirstOutput,
  },
  // ---- dX ----
  {
    id: "dX with W, not Wᵀ",
    exercise: "E1",
    shows: ["dX"],
    hint: "dX uses W where it needs Wᵀ: dX = dOut·Wᵀ has x's shape (N, in)",
    value: (c) => (c.inF === c.outF ? times(c.dOut, c.W) : null),
    // Only computable where W is square; elsewhere this learner's dX is right.
    wrong: afterBackward((layer, dOut, dX) => (dX.cols === dOut.cols ? times(dOut, weightOf(layer).value) : dX)),
  },
  {
    id: "backward returns dOut",
    exercise: "E1",
    shows: ["dX"],
    hint: "backward returns dOut itself; it must return dX = dOut·Wᵀ",
    value: (c) => c.dOut,
    wrong: afterBackward((_l, dOut) => dOut.clone()),
  },
  {
    id: "dX all zeros",
    exercise: "E1",
    shows: ["dX"],
    hint: "dX is all zeros: return dOut·Wᵀ",
    value: (c) => zerosLike(c.dX),
    wrong: afterBackward((_l, _d, dX) => zerosLike(dX)),
  },
  // ---- dW ----
  {
    id: "dW transposed",
    exercise: "E1",
    shows: ["dW"],
    hint: "dW is transposed: it has W's shape (in, out) and is xᵀ·dOut, not dOutᵀ·x",
    value: (c) => transposed(c.dW),
    wrong: afterBackward((layer) => setGrad(layer, 0, transposed(weightOf(layer).grad))),
  },
  {
    id: "dW of the last sample only",
    exercise: "E1",
    shows: ["dW"],
    hint: "dW is not summed over the batch: it holds the last sample's x[n]ᵀ·dOut[n] only; add up all N rows",
    value: (c) => outerOfRow(c.x, c.dOut, c.x.rows - 1),
    wrong: afterBackward((layer, dOut, _dX, x) => weightOf(layer).grad.data.set(outerOfRow(x, dOut, x.rows - 1).data)),
  },
  {
    id: "dW of the first sample only",
    exercise: "E1",
    shows: ["dW"],
    hint: "dW is not summed over the batch: it holds the first sample's x[0]ᵀ·dOut[0] only; add up all N rows",
    value: (c) => outerOfRow(c.x, c.dOut, 0),
    wrong: afterBackward((layer, dOut, _dX, x) => weightOf(layer).grad.data.set(outerOfRow(x, dOut, 0).data)),
  },
  {
    id: "dW divided by N",
    exercise: "E1",
    shows: ["dW"],
    hint: "dW is divided by N: dOut already carries the loss's 1/N, so dW is the plain sum xᵀ·dOut",
    value: (c) => scaled(c.dW, 1 / c.x.rows),
    wrong: afterBackward((layer, dOut) => weightOf(layer).grad.data.forEach((v, i, a) => (a[i] = v / dOut.rows))),
  },
  {
    id: "dW all zeros",
    exercise: "E1",
    shows: ["dW"],
    hint: "dW is all zeros: backward must write xᵀ·dOut into this.weight.grad.data",
    value: (c) => zerosLike(c.dW),
    wrong: afterBackward((layer) => void weightOf(layer).grad.data.fill(0)),
  },
  {
    id: "dW from the first forward's x",
    exercise: "E1",
    shows: ["dW"],
    hint: STALE_CACHE_HINT,
    value: (c) => transposedTimes(c.decoy, c.dOut),
    wrong: withFirstForwardCache,
  },
  // ---- db ----
  {
    id: "db missing",
    exercise: "E1",
    shows: ["db"],
    hint: "db is missing: this.bias.grad is all zeros; set it to the column sums of dOut",
    value: (c) => zerosLike(c.db),
    wrong: afterBackward((layer) => void biasOf(layer).grad.data.fill(0)),
  },
  {
    id: "db of the last row only",
    exercise: "E1",
    shows: ["db"],
    hint: "db is not summed over the batch: it holds dOut's last row only",
    value: (c) => rowMatrix(c.dOut, c.dOut.rows - 1),
    wrong: afterBackward((layer, dOut) => biasOf(layer).grad.data.set(rowMatrix(dOut, dOut.rows - 1).data)),
  },
  {
    id: "db of the first row only",
    exercise: "E1",
    shows: ["db"],
    hint: "db is not summed over the batch: it holds dOut's first row only",
    value: (c) => rowMatrix(c.dOut, 0),
    wrong: afterBackward((layer, dOut) => biasOf(layer).grad.data.set(rowMatrix(dOut, 0).data)),
  },
  {
    id: "db divided by N",
    exercise: "E1",
    shows: ["db"],
    hint: "db is divided by N: dOut already carries the loss's 1/N, so db is the plain column sum",
    value: (c) => scaled(c.db, 1 / c.dOut.rows),
    wrong: afterBackward((layer, dOut) => biasOf(layer).grad.data.forEach((v, i, a) => (a[i] = v / dOut.rows))),
  },
  {
    id: "db summed over the wrong axis",
    exercise: "E1",
    shows: ["db"],
    hint: "db sums over the wrong axis: sum dOut over the N rows (the batch), giving (1, out)",
    value: (c) => sumAlong(c.dOut, "cols"),
    wrong: afterBackward((layer, dOut) => setGrad(layer, 1, sumAlong(dOut, "cols"))),
  },
];

function minusRowVector(y: Matrix, b: Matrix): Matrix {
  const out = y.clone();
  for (let i = 0; i < y.rows; i++) for (let j = 0; j < y.cols; j++) out.data[i * y.cols + j] -= b.data[j];
  return out;
}

function biasOnFirstRow(c: LinearCase): Matrix {
  const out = minusRowVector(c.y, c.b);
  for (let j = 0; j < c.outF; j++) out.data[j] += c.b.data[j];
  return out;
}

/** a·b */
function times(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols, "float64");
  for (let i = 0; i < a.rows; i++) for (let k = 0; k < a.cols; k++) for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += a.get(i, k) * b.get(k, j);
  return out;
}

/** x·W + b with the case's W and b, for any x of shape (N, in). */
function linearForward(x: Matrix, c: LinearCase): Matrix {
  const out = times(x, c.W);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < c.outF; j++) out.data[i * c.outF + j] += c.b.data[j];
  return out;
}

/** aᵀ·b */
function transposedTimes(a: Matrix, b: Matrix): Matrix {
  return times(transposed(a), b);
}
