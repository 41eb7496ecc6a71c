// A stack of layers run in order forward and in reverse order backward.
import type { Rng } from "../random";
import { Matrix } from "../tensor";
import { Layer, Param, StateBuffer, ForwardOptions } from "../layers";

export class Sequential {
  constructor(readonly layers: readonly Layer[]) {}

  forward(x: Matrix, options: ForwardOptions): Matrix {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, options);
    return h;
  }

  /** @param dOut ∂loss/∂output @returns ∂loss/∂input; sets every param's grad */
  backward(dOut: Matrix): Matrix {
    let g = dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g);
    return g;
  }

  /** Sets every param's grad like backward(), skipping dX of the first layer where it can. */
  backwardParams(dOut: Matrix): void {
    let g = dOut;
    for (let i = this.layers.length - 1; i >= 1; i--) g = this.layers[i].backward(g);
    const first = this.layers[0];
    if (first.backwardParams) first.backwardParams(g);
    else first.backward(g);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  buffers(): StateBuffer[] {
    return this.layers.flatMap((l) => l.buffers());
  }

  generators(): Rng[] {
    return this.layers.flatMap((l) => l.generators?.() ?? []);
  }

  /** One line per layer and the number of trainable values. */
  summary(): string {
    const count = this.params().reduce((s, p) => s + p.value.data.length, 0);
    return [...this.layers.map((l) => l.label), `${count.toLocaleString("en-US")} trainable parameters`].join("\n");
  }
}
