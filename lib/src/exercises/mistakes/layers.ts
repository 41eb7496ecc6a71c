// Mistakes every layer can make, and the wrong implementations shared by the layer catalogues.
// The second-backward mistakes (layer_harness's expectBackwardOverwrites asks for them in E1,
// E2 and E4) apply to any layer class, so the grader's tests make them in a Linear, the
// activations and a BatchNorm alike.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import { Mistake, Mixable } from "./catalogue";
import { scaled } from "../matrix_ops";

/** What the second backward is compared with: what the first one gave. */
export interface SecondBackwardCase {
  first: Matrix;
}

/** Any layer class: the wrong implementations below use only forward, backward and params(). */
export type LayerClass = Mixable<Layer>;

export type SecondBackwardMistake = Mistake<LayerClass, SecondBackwardCase, "grad" | "dX">;

export const SECOND_BACKWARD_MISTAKES: readonly SecondBackwardMistake[] = [
  {
    id: "grads accumulated (+=)",
    exercise: "E1",
    shows: ["grad"],
    hint: "after a second backward with the same dOut the grads doubled: set them (=), do not add to them (+=). The engine has no zeroGrad, so backward overwrites",
    value: (c) => scaled(c.first, 2),
    // The subtlest form: only the last param's grad is added to (db of a Linear, dβ of a
    // BatchNorm whose dγ is set), so a check that looks at one grad only would miss it.
    wrong: (Correct) =>
      class extends Correct {
        override backward(dOut: Matrix): Matrix {
          const last = this.params().at(-1);
          const before = last?.grad.clone();
          const dX = super.backward(dOut);
          if (last !== undefined && before !== undefined) last.grad.data.forEach((v, i, a) => (a[i] = v + before.data[i]));
          return dX;
        }
      },
  },
  {
    id: "dX added into a kept buffer",
    exercise: "E1",
    shows: ["dX"],
    hint: "dX doubled on a second backward: build dX afresh in each call instead of adding into a kept buffer",
    value: (c) => scaled(c.first, 2),
    wrong: (Correct) =>
      class extends Correct {
        private kept: Matrix | null = null;
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          this.kept = null;
          return super.forward(x, options);
        }
        override backward(dOut: Matrix): Matrix {
          const dX = super.backward(dOut);
          if (this.kept === null) this.kept = new Matrix(dX.rows, dX.cols, dX.dtype);
          this.kept.data.forEach((v, i, a) => (a[i] = v + dX.data[i]));
          return this.kept.clone();
        }
      },
  },
];

/** `this.x ??= x`: every backward differentiates the FIRST forward's input (re-run in training mode, as it was). */
export function withFirstForwardCache<C extends LayerClass>(Correct: C): C {
  return class extends Correct {
    private first: Matrix | null = null;
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      this.first ??= x.clone();
      return super.forward(x, options);
    }
    override backward(dOut: Matrix): Matrix {
      super.forward(this.first!, { training: true }); // what the first call left in the cache
      return super.backward(dOut);
    }
  };
}

/** Forward returns the output of its FIRST call, whatever x it is given. */
export function withFirstOutput<C extends LayerClass>(Correct: C): C {
  return class extends Correct {
    private first: Matrix | null = null;
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      const y = super.forward(x, options);
      this.first ??= y.clone();
      return this.first.clone();
    }
  };
}
