// Mistakes every layer can make on a second backward with the same dOut (layer_harness's
// expectBackwardOverwrites asks for them in E1, E2 and E4). Their wrong implementations are
// shown on E1's Linear, the layer with both grads and a dX.
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { LinearClass } from "../check_linear";
import { Mistake, Mixable } from "./catalogue";
import { scaled } from "../matrix_ops";

/** What the second backward is compared with: what the first one gave. */
export interface SecondBackwardCase {
  first: Matrix;
}

export type SecondBackwardMistake = Mistake<LinearClass, SecondBackwardCase, "grad" | "dX">;

export const SECOND_BACKWARD_MISTAKES: readonly SecondBackwardMistake[] = [
  {
    id: "grads accumulated (+=)",
    exercise: "E1",
    shows: ["grad"],
    hint: "after a second backward with the same dOut the grads doubled: set them (=), do not add to them (+=). The engine has no zeroGrad, so backward overwrites",
    value: (c) => scaled(c.first, 2),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override backward(dOut: Matrix): Matrix {
          const before = this.params().map((p) => p.grad.clone());
          const dX = super.backward(dOut);
          this.params().forEach((p, k) => p.grad.data.forEach((v, i, a) => (a[i] = v + before[k].data[i])));
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
      class extends (Correct as Mixable<Layer>) {
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
