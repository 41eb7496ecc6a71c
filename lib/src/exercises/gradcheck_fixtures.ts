// The fixtures E0's grader brings: test functions with known gradients, the Spy that records what
// checkLayerDX does with a layer, and broken layers it must flag. Not the grading (./check_gradcheck).
import { Matrix } from "../tensor";
import { Rng } from "../random";
import { ForwardOptions, Layer, Param, StateBuffer } from "../layers";
import { numericalGradient, randomMatrix } from "../testing/gradcheck";
import { mapMatrix } from "./matrix_ops";

/** A test function with its gradient in closed form. */
export interface TestFunction {
  label: string;
  f: (x: Matrix) => number;
  grad: (x: Matrix) => Matrix;
}

/** Σᵢ term(xᵢ, i) over x's entries, in float64. */
export function total(x: Matrix, term: (v: number, i: number) => number): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += term(x.data[i], i);
  return s;
}

/** f reads x only through x.data, so it works on any dtype and never writes to x. */
export function testFunctions(rng: Rng, rows: number, cols: number): TestFunction[] {
  const a = randomMatrix(rows, cols, rng);
  const b = randomMatrix(rows, cols, rng);
  const n = rows * cols;
  return [
    {
      label: "a quadratic, Σ a·x² + b·x",
      f: (x) => total(x, (v, i) => a.data[i] * v * v + b.data[i] * v),
      grad: (x) => mapMatrix(x, (v, i, j) => 2 * a.get(i, j) * v + b.get(i, j)),
    },
    {
      label: "Σ sin(xᵢ)·exp(x₍ᵢ₊₁₎ / 2) (curved, entries coupled)",
      f: (x) => total(x, (v, i) => Math.sin(v) * Math.exp(x.data[(i + 1) % n] / 2)),
      grad: (x) => {
        const g = new Matrix(x.rows, x.cols, "float64");
        for (let i = 0; i < n; i++) {
          const next = (i + 1) % n;
          const prev = (i - 1 + n) % n;
          g.data[i] = Math.cos(x.data[i]) * Math.exp(x.data[next] / 2) + (Math.sin(x.data[prev]) * Math.exp(x.data[i] / 2)) / 2;
        }
        return g;
      },
    },
    {
      label: "log Σ exp(x) (gradient: softmax of x)",
      f: (x) => {
        const m = Math.max(...x.data);
        return m + Math.log(total(x, (v) => Math.exp(v - m)));
      },
      grad: (x) => {
        const m = Math.max(...x.data);
        const z = total(x, (v) => Math.exp(v - m));
        return mapMatrix(x, (v) => Math.exp(v - m) / z);
      },
    },
  ];
}

/** The engine's centred differences of f at a float64 copy of x (x itself untouched). */
export function referenceGradient(f: (x: Matrix) => number, x: Matrix, h = 1e-5): Matrix {
  const copy = x.astype("float64");
  return new Matrix(
    x.rows,
    x.cols,
    numericalGradient(() => f(copy), copy, h),
  );
}

/** A layer that passes every call to `inner` and records what checkLayerDX did with it. */
export class Spy implements Layer {
  readonly label: string;
  /** The input of every forward, in order. */
  readonly forwards: Matrix[] = [];
  /** Per backward call: its dOut and the input of the forward before it. */
  readonly backwards: Array<{ dOut: Matrix; after: Matrix | null }> = [];

  /** @param onForward called at every forward (E0's grader looks there for the engine's helpers on the stack) */
  constructor(
    readonly inner: Layer,
    private readonly onForward?: () => void,
  ) {
    this.label = inner.label;
  }

  forward(x: Matrix, options: ForwardOptions): Matrix {
    this.onForward?.();
    this.forwards.push(x.clone());
    return this.inner.forward(x, options).clone();
  }

  backward(dOut: Matrix): Matrix {
    this.backwards.push({ dOut: dOut.clone(), after: this.forwards.at(-1) ?? null });
    return this.inner.backward(dOut).clone();
  }

  params(): Param[] {
    return this.inner.params();
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

/** σ with a backward that forgets the factor (1 − y): dX = dOut·y. */
export class ForgetfulSigmoid implements Layer {
  readonly label = "Sigmoid, backward without (1 − y)";
  private y: Matrix | null = null;
  forward(x: Matrix): Matrix {
    this.y = mapMatrix(x, (v) => 1 / (1 + Math.exp(-v)));
    return this.y.clone();
  }
  backward(dOut: Matrix): Matrix {
    const y = this.y!;
    return mapMatrix(dOut, (g, i, j) => g * y.get(i, j));
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}

/** y = x ⊙ c (c a fixed row); backward reads dOut's columns in reverse order. With R = ones it looks right. */
export class ReversedColumns implements Layer {
  readonly label = "a scaling layer whose backward reverses dOut's columns";
  constructor(readonly c: Matrix) {}
  forward(x: Matrix): Matrix {
    return mapMatrix(x, (v, _i, j) => v * this.c.get(0, j));
  }
  backward(dOut: Matrix): Matrix {
    return mapMatrix(dOut, (_g, i, j) => dOut.get(i, dOut.cols - 1 - j) * this.c.get(0, j));
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}

export function isConstant(m: Matrix): boolean {
  return m.data.every((v) => v === m.data[0]);
}

/** Σ layer(x)·R with a fresh reference layer, so its numeric dX is the truth. */
export function sumYR(make: () => Layer, R: Matrix): (x: Matrix) => number {
  const layer = make();
  return (x) => {
    const y = layer.forward(x, { training: false });
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i] * R.data[i];
    return s;
  };
}
