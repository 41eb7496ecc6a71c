// Seeded pseudo-random numbers. Every random choice in the engine (init, shuffling,
// splits, synthetic data) takes an Rng, so one seed reproduces a run bit for bit.
// Not cryptographic.
import { checkSeed } from "./validate";

/** xoshiro128** (Blackman & Vigna), seeded through splitmix32. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    checkSeed("seed", seed);
    // splitmix32 spreads any integer seed (0 included) over the 128-bit state.
    let x = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * out[i] = 0 where uniform() < p, else `scale`, for every i in order: the same draws as
   * calling uniform() once per entry, with the state kept in locals (Dropout's masks, ~3× faster).
   */
  fillMask(out: Float32Array | Float64Array, p: number, scale: number): void {
    let [s0, s1, s2, s3] = [this.s0, this.s1, this.s2, this.s3];
    for (let i = 0; i < out.length; i++) {
      let r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const hi = r >>> 5;
      r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const lo = r >>> 6;
      out[i] = (hi * 67108864 + lo) / 9007199254740992 < p ? 0 : scale;
    }
    [this.s0, this.s1, this.s2, this.s3] = [s0, s1, s2, s3];
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal N(0, 1) by the Box-Muller transform (pairs are cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) would be -Infinity
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /**
   * Where the generator stands: its four state words and the cached normal (NaN for none),
   * so that a checkpoint can continue its sequence exactly. setState takes the same list.
   */
  state(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.spareNormal ?? Number.NaN];
  }

  setState(state: readonly number[]): void {
    const words = state.slice(0, 4);
    if (state.length !== 5 || !words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32) || typeof state[4] !== "number") {
      throw new RangeError(`Rng.setState: expected four 32-bit unsigned words and a number (NaN for no cached normal), got [${state.join(", ")}]`);
    }
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w | 0);
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4];
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    return this.shuffle(idx);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
