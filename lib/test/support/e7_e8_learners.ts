// Correct learner code for E7 and E8 written differently from the answer keys: a Dropout that
// keeps a boolean mask and its scale apart, a Momentum with its velocities in a Map keyed by
// param, an RMSProp that keeps its average in plain arrays keyed by name, an AdamW whose
// moments live in per-param records. The grader must accept them;
// e7_e8_mutants.ts breaks them one catalogue mistake at a time. Also the delegating versions
// (right numbers by the engine's own nn.Dropout, nn.Momentum, nn.Adam).
import { Adam, Dropout, ForwardOptions, Matrix, Momentum, Optimizer, Param, RMSProp, Rng, StateBuffer } from "../../src";

/** Inverted dropout with a Uint8Array of kept flags and the scale applied on the way out. */
export class FlagDropout {
  readonly label = "Dropout";
  private readonly rng: Rng;
  private keep: Uint8Array | null = null;
  private scale = 1;

  constructor(
    readonly p: number,
    options: { seed?: number } = {},
  ) {
    if (!(typeof p === "number" && p >= 0 && p < 1)) throw new RangeError(`p must be a probability in [0, 1), got ${p}`);
    this.rng = new Rng(options.seed ?? 0);
  }

  forward(x: Matrix, options: ForwardOptions): Matrix {
    const y = x.clone();
    if (!options.training) {
      this.keep = null;
      return y;
    }
    this.scale = 1 / (1 - this.p);
    this.keep = Uint8Array.from(x.data, () => (this.rng.uniform() >= this.p ? 1 : 0));
    this.keep.forEach((k, i) => (y.data[i] = k === 1 ? x.data[i] * this.scale : 0));
    return y;
  }

  backward(dOut: Matrix): Matrix {
    const keep = this.keep;
    if (keep === null) return dOut.clone();
    return new Matrix(
      dOut.rows,
      dOut.cols,
      Float64Array.from(dOut.data, (g, i) => (keep[i] === 1 ? g * this.scale : 0)),
    );
  }

  params(): Param[] {
    return [];
  }

  buffers(): StateBuffer[] {
    return [];
  }
}

/** Classical momentum, velocities in a Map keyed by the param object. */
export class MapMomentum implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly velocity = new Map<Param, number[]>();

  constructor(options: { lr: number; momentum?: number; weightDecay?: number }) {
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
  }

  step(params: readonly Param[]): void {
    for (const p of params) {
      const v = this.velocity.get(p) ?? Array.from(p.value.data, () => 0);
      this.velocity.set(p, v);
      const lambda = p.decay ? this.weightDecay : 0;
      v.forEach((vi, i) => (v[i] = this.momentum * vi + p.grad.data[i] + lambda * p.value.data[i]));
      v.forEach((vi, i) => (p.value.data[i] -= this.lr * vi));
    }
  }
}

/** RMSProp with the running mean of g² in plain arrays keyed by param name. */
export class NamedRMSProp implements Optimizer {
  lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly meanSquare: Record<string, number[]> = {};

  constructor(options: { lr?: number; alpha?: number; eps?: number; weightDecay?: number }) {
    this.lr = options.lr ?? 0.01;
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }

  step(params: readonly Param[]): void {
    for (const p of params) {
      const g = Array.from(p.grad.data, (gi, i) => gi + (p.decay ? this.weightDecay * p.value.data[i] : 0));
      const s = (this.meanSquare[p.name] ??= g.map(() => 0));
      g.forEach((gi, i) => {
        s[i] += (1 - this.alpha) * (gi * gi - s[i]);
        p.value.data[i] -= (this.lr / (Math.sqrt(s[i]) + this.eps)) * gi;
      });
    }
  }
}

/** AdamW with per-param records {m, v} in order and the corrections as powers kept up to date. */
export class RecordAdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private records: Array<{ m: Float64Array; v: Float64Array }> = [];
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(options: { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }) {
    this.lr = options.lr ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }

  step(params: readonly Param[]): void {
    if (this.records.length === 0) this.records = params.map((p) => ({ m: new Float64Array(p.value.data.length), v: new Float64Array(p.value.data.length) }));
    this.beta1Power *= this.beta1;
    this.beta2Power *= this.beta2;
    params.forEach((p, k) => {
      const { m, v } = this.records[k];
      const w = p.value.data;
      if (p.decay) w.forEach((wi, i) => (w[i] = wi * (1 - this.lr * this.weightDecay)));
      p.grad.data.forEach((g, i) => {
        m[i] += (1 - this.beta1) * (g - m[i]);
        v[i] += (1 - this.beta2) * (g * g - v[i]);
        const mHat = m[i] / (1 - this.beta1Power);
        const vHat = v[i] / (1 - this.beta2Power);
        w[i] -= (this.lr * mHat) / (Math.sqrt(vHat) + this.eps);
      });
    });
  }
}

// ---- Handed to the engine ----
/** Holds an nn.Dropout and forwards to it. */
export class WrappedDropout {
  readonly label = "Dropout";
  private readonly inner: Dropout;
  constructor(p: number, options: { seed?: number } = {}) {
    this.inner = new Dropout(p, options);
  }
  forward(x: Matrix, options: ForwardOptions): Matrix {
    return this.inner.forward(x, options);
  }
  backward(dOut: Matrix): Matrix {
    return this.inner.backward(dOut);
  }
  params(): Param[] {
    return [];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}
/** The engine's Momentum under the learner's name. */
export class SubclassedMomentum extends Momentum {}
/** The engine's RMSProp under the learner's name. */
export class SubclassedRMSProp extends RMSProp {}
/** The engine's Adam, decoupled, behind the learner's constructor. */
export class WrappedAdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private inner: Adam | null = null;
  constructor(options: { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }) {
    this.lr = options.lr ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }
  step(params: readonly Param[]): void {
    this.inner ??= new Adam({ lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, decoupled: true });
    this.inner.lr = this.lr;
    this.inner.step(params);
  }
}
