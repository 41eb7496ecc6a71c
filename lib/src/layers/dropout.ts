// Inverted dropout: in training each input is zeroed with probability p and the survivors
// are scaled by 1/(1 − p), so eval needs no rescaling (it is the identity). The mask comes
// from the layer's own seeded Rng, so a run repeats bit for bit.
// NOTE: plain TypeScript loops over the typed arrays, not a kernel: it calls no backend, so
// it gives the same result whichever matmul backend (blas, wasm, js) is chosen.
import { Matrix, keptOutputFor } from "../tensor";
import { ConfigError, ShapeError } from "../errors";
import { Rng } from "../random";
import { checkSeed } from "../validate";
import { Layer, Param, StateBuffer, ForwardOptions, noForwardError } from "./layer";

export interface DropoutOptions {
  /** Seed of the layer's own generator of masks. Default 0. */
  seed?: number;
}

export class Dropout implements Layer {
  readonly label: string;
  /** Probability of zeroing each input in training, in [0, 1). */
  readonly p: number;
  /**
   * Test hook for gradient checks: when true, a training forward reuses the last mask
   * instead of drawing a new one (finite differences must see the same function at every
   * perturbed input). The batch shape must then stay the same. Default false.
   */
  keepMask = false;
  private rng: Rng;
  /** Each entry 0 (dropped) or 1/(1 − p) (kept); null until a training forward with p > 0. */
  private mask: Matrix | null = null;
  /** What backward needs: the mask used by the last forward, or null for the identity (eval, p = 0). */
  private cache: { mask: Matrix | null } | null = null;
  private out: Matrix | null = null;
  private dX: Matrix | null = null;

  constructor(p: number, options: DropoutOptions = {}) {
    if (typeof p !== "number" || !(p >= 0 && p < 1)) {
      throw new ConfigError(`Dropout p must be a number in [0, 1), the probability of dropping an input (got ${String(p)})`);
    }
    this.p = p;
    this.rng = new Rng(checkSeed("seed", options.seed ?? 0));
    this.label = `Dropout(p=${p})`;
  }

  /**
   * Training: y = x·mask with mask_ij = 0 with probability p, else 1/(1 − p).
   * Eval (or p = 0): y = x (a copy into the layer's buffer).
   * @param x (N, D) @returns y (N, D)
   */
  forward(x: Matrix, options: ForwardOptions): Matrix {
    const y = (this.out = keptOutputFor(this.out, x.rows, x.cols, x.dtype));
    if (!options.training || this.p === 0) {
      y.data.set(x.data);
      this.cache = { mask: null };
      return y;
    }
    const reused = this.keepMask && this.mask !== null;
    if (reused && (this.mask!.rows !== x.rows || this.mask!.cols !== x.cols || this.mask!.dtype !== x.dtype)) {
      throw new ShapeError(`${this.label}: keepMask needs the shape of the last batch ${this.mask!.shape}, got ${x.shape}`);
    }
    const mask = (this.mask = keptOutputFor(this.mask, x.rows, x.cols, x.dtype));
    // mask_i = 0 where the i-th uniform() < p, else 1/(1 − p) (fillMask: the same draws, faster).
    if (!reused) this.rng.fillMask(mask.data, this.p, 1 / (1 - this.p));
    for (let i = 0; i < y.data.length; i++) y.data[i] = x.data[i] * mask.data[i];
    this.cache = { mask };
    return y;
  }

  /** @param dOut (N, D) @returns dX (N, D) = dOut·mask (training) or dOut (eval) */
  backward(dOut: Matrix): Matrix {
    if (this.cache === null) throw noForwardError(this.label);
    const { mask } = this.cache;
    const dx = (this.dX = keptOutputFor(this.dX, dOut.rows, dOut.cols, dOut.dtype));
    if (mask === null) {
      dx.data.set(dOut.data);
      return dx;
    }
    if (dOut.rows !== mask.rows || dOut.cols !== mask.cols) {
      throw new ShapeError(`${this.label} backward: dOut ${dOut.shape} does not match the forward output ${mask.shape}`);
    }
    for (let i = 0; i < dx.data.length; i++) dx.data[i] = dOut.data[i] * mask.data[i];
    return dx;
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }

  generators(): Rng[] {
    return [this.rng];
  }
}
