// E7's mistakes: inverted dropout as learners get it wrong. The learner's mask comes from
// their own generator, so a wrong value is stated on the mask the learner's forward drew
// (read off its output: kept where y ≠ 0). Each wrong implementation is a correct Dropout
// changed through its public face (constructor, forward, backward).
import { Matrix } from "../../tensor";
import type { ForwardOptions, Layer } from "../../layers";
import type { DropoutClass } from "../learner_api";
import { mapMatrix, scaled, times } from "../matrix_ops";
import { Mistake, Mixable } from "./catalogue";

/** One case of a check: what the mask multiplies, p, and the mask the learner's forward drew. */
export interface DropoutCase {
  /** x for an output y, dOut for a dX. */
  base: Matrix;
  p: number;
  /** 1 where the learner's training forward kept the entry (its output ≠ 0), else 0. */
  kept: Matrix;
  /** The mask of the forward before it (a decoy batch), where the check made one. */
  decoyKept: Matrix | null;
  /** What the learner returned: mistakes with a random mask match a family of values, not one. */
  got: Matrix;
}

/**
 * Where a mistake shows: the training/eval outputs and dX, the kept fraction (its value is
 * a 1×1 fraction, matched within the binomial tolerance), and the checks with no value (a
 * new mask per call, the seed, an invalid p), which give the entry's hint when they fail.
 */
export type DropoutShows = "train y" | "train dX" | "eval y" | "eval dX" | "kept fraction" | "new mask per call" | "seed" | "invalid p";

export type DropoutMistake = Mistake<DropoutClass, DropoutCase, DropoutShows, Matrix, "E7">;

/** The hint of the one entry that shows in a value-less check. */
export function hintFor(shows: DropoutShows): string {
  const entry = DROPOUT_MISTAKES.find((m) => m.shows.includes(shows));
  if (entry === undefined) throw new Error(`no E7 mistake shows in "${shows}"`);
  return entry.hint;
}

// NOTE: the specific masks (the decoy's) come before "a new mask in backward", whose value
// matches any other mask.
/** `got` when it is `base` times some 0/1 mask other than `not`, scaled by 1/(1 − p); else null. */
function otherMask(got: Matrix, base: Matrix, p: number, not: Matrix | null): Matrix | null {
  const scale = 1 / (1 - p);
  let differs = not === null;
  for (let i = 0; i < got.data.length; i++) {
    const dropped = got.data[i] === 0;
    if (!dropped && Math.abs(got.data[i] - base.data[i] * scale) > 1e-9 * Math.abs(base.data[i] * scale)) return null;
    if (not !== null && dropped === (not.data[i] !== 0) && base.data[i] !== 0) differs = true;
  }
  return differs && got.data.some((v) => v === 0) ? got : null;
}

/** A correct Dropout whose p the mixin can read (the learner's field may have any name). */
function remembersP(Correct: DropoutClass): new (p: number, options?: { seed?: number }) => Layer & { p0: number } {
  return class extends (Correct as Mixable<Layer>) {
    readonly p0: number;
    constructor(p: number, options?: { seed?: number }) {
      super(p, options);
      this.p0 = p;
    }
  };
}

/** y·k and dX·k where training scales survivors (p > 0): a wrong scale on top of a correct layer. */
function rescaled(k: (p: number) => number): (Correct: DropoutClass) => DropoutClass {
  return (Correct) =>
    class extends remembersP(Correct) {
      private scaleLast = 1;
      override forward(x: Matrix, options: ForwardOptions): Matrix {
        this.scaleLast = options.training && this.p0 > 0 ? k(this.p0) : 1;
        return scaled(super.forward(x, options), this.scaleLast);
      }
      override backward(dOut: Matrix): Matrix {
        return scaled(super.backward(dOut), this.scaleLast);
      }
    };
}

/** The mask alone (0 or 1/(1 − p)): the correct layer's training forward on ones. */
function drawMask(forward: (x: Matrix, options: ForwardOptions) => Matrix, like: Matrix): Matrix {
  return forward(
    mapMatrix(like, () => 1),
    { training: true },
  ).clone();
}

let ignoredSeed = 1000;

export const DROPOUT_MISTAKES: readonly DropoutMistake[] = [
  {
    id: "no 1/(1 − p) scaling",
    exercise: "E7",
    shows: ["train y", "train dX"],
    hint: "the survivors are not scaled: inverted dropout multiplies what it keeps by 1/(1 − p), so the expected output equals x and eval needs no change",
    value: (c) => times(c.base, c.kept),
    wrong: rescaled((p) => 1 - p),
  },
  {
    id: "scaled by 1/p",
    exercise: "E7",
    shows: ["train y", "train dX"],
    hint: "the survivors are scaled by 1/p: p is the probability of dropping, so an entry is kept with probability 1 − p and scaled by 1/(1 − p)",
    value: (c) => scaled(times(c.base, c.kept), 1 / c.p),
    wrong: rescaled((p) => (1 - p) / p),
  },
  {
    id: "scaled by (1 − p)",
    exercise: "E7",
    shows: ["train y", "train dX"],
    hint: "the survivors are multiplied by (1 − p); divide by it instead, so the expected output equals x",
    value: (c) => scaled(times(c.base, c.kept), 1 - c.p),
    wrong: rescaled((p) => (1 - p) ** 2),
  },
  {
    id: "dropping in eval",
    exercise: "E7",
    shows: ["eval y", "eval dX"],
    hint: "eval mode dropped entries: with { training: false } dropout is the identity (y = x, dX = dOut); only training draws a mask",
    value: (c) => otherMask(c.got, c.base, c.p, null),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override forward(x: Matrix, _options: ForwardOptions): Matrix {
          return super.forward(x, { training: true });
        }
      },
  },
  {
    id: "scaling in eval (non-inverted dropout)",
    exercise: "E7",
    shows: ["eval y", "eval dX"],
    hint: "eval mode scales by (1 − p): that is the old, non-inverted dropout. Here training already scales the survivors by 1/(1 − p), so eval is the identity",
    value: (c) => scaled(c.base, 1 - c.p),
    wrong: (Correct) =>
      class extends remembersP(Correct) {
        private evalLast = false;
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          this.evalLast = !options.training;
          return scaled(super.forward(x, options), this.evalLast ? 1 - this.p0 : 1);
        }
        override backward(dOut: Matrix): Matrix {
          return scaled(super.backward(dOut), this.evalLast ? 1 - this.p0 : 1);
        }
      },
  },
  {
    id: "backward with the first forward's mask",
    exercise: "E7",
    shows: ["train dX"],
    hint: "backward used the mask of the FIRST forward call, not the latest: the check calls forward on a decoy batch first. Keep the mask of every forward (this.mask = …), not only the first (this.mask ??= …)",
    value: (c) => (c.decoyKept === null ? null : scaled(times(c.base, c.decoyKept), 1 / (1 - c.p))),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        private first: Matrix | null = null;
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          if (!options.training) return super.forward(x, options);
          const mask = drawMask((o, opt) => super.forward(o, opt), x);
          this.first ??= mask;
          return times(x, mask);
        }
        override backward(dOut: Matrix): Matrix {
          const identity = super.backward(dOut);
          return this.first === null ? identity : times(dOut, this.first);
        }
      },
  },
  {
    id: "a new mask in backward",
    exercise: "E7",
    shows: ["train dX"],
    hint: "backward drew a new mask: it must use the mask of the last forward (keep it in forward), so dX is 0 exactly where the forward dropped",
    value: (c) => otherMask(c.got, c.base, c.p, c.kept),
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override backward(dOut: Matrix): Matrix {
          return super.forward(dOut, { training: true }).clone();
        }
      },
  },
  {
    id: "backward not masking",
    exercise: "E7",
    shows: ["train dX"],
    hint: "backward passed dOut through unchanged: y = x·mask, so dX = dOut times the same mask (0 where dropped, 1/(1 − p) where kept)",
    value: (c) => c.base,
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        override backward(dOut: Matrix): Matrix {
          super.backward(dOut);
          return dOut.clone();
        }
      },
  },
  {
    id: "keeps with probability p",
    exercise: "E7",
    shows: ["kept fraction"],
    hint: "the mask keeps an entry with probability p: p is the probability of DROPPING it, so keep when the uniform draw is ≥ p (probability 1 − p)",
    value: (c) => Matrix.fromRows([[c.p]], "float64"),
    wrong: (Correct) =>
      class extends remembersP(Correct) {
        private readonly flipped: Layer | null;
        /** What the last forward did: the layer's own (eval), the flipped layer's, or drop all (p = 0). */
        private last: "own" | "flipped" | "zeroed" = "own";
        constructor(p: number, options?: { seed?: number }) {
          super(p, options);
          this.flipped = p > 0 && p < 1 ? new Correct(1 - p, options) : null;
        }
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          // At p = 0, keeping with probability p drops everything.
          this.last = !options.training ? "own" : this.flipped === null ? "zeroed" : "flipped";
          if (this.last === "own") return super.forward(x, options);
          if (this.last === "zeroed") return scaled(x, 0);
          return scaled(this.flipped!.forward(x, options), this.p0 / (1 - this.p0));
        }
        override backward(dOut: Matrix): Matrix {
          if (this.last === "own") return super.backward(dOut);
          if (this.last === "zeroed") return scaled(dOut, 0);
          return scaled(this.flipped!.backward(dOut), this.p0 / (1 - this.p0));
        }
      },
  },
  {
    id: "mask drawn once",
    exercise: "E7",
    shows: ["new mask per call"],
    hint: "two training forwards on the same batch dropped the same entries: draw a new mask on every training forward (a mask drawn once drops the same units all training long)",
    value: () => null,
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        private mask: Matrix | null = null;
        override forward(x: Matrix, options: ForwardOptions): Matrix {
          if (!options.training) return super.forward(x, options);
          if (this.mask === null || this.mask.rows !== x.rows || this.mask.cols !== x.cols) this.mask = drawMask((o, opt) => super.forward(o, opt), x);
          return times(x, this.mask);
        }
        override backward(dOut: Matrix): Matrix {
          const identity = super.backward(dOut);
          return this.mask === null ? identity : times(dOut, this.mask);
        }
      },
  },
  {
    id: "seed ignored",
    exercise: "E7",
    shows: ["seed"],
    hint: "the mask does not follow the seed: draw it from the layer's own generator, new nn.Rng(seed), made in the constructor (not Math.random, not a generator shared by every layer)",
    value: () => null,
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        constructor(p: number, _options?: { seed?: number }) {
          super(p, { seed: ignoredSeed++ });
        }
      },
  },
  {
    id: "invalid p accepted",
    exercise: "E7",
    shows: ["invalid p"],
    hint: "new Dropout(p) must refuse a p outside [0, 1) (or not a number) with an error that names p: p = 1 drops everything and divides by 0, and a negative p is no probability",
    value: () => null,
    wrong: (Correct) =>
      class extends (Correct as Mixable<Layer>) {
        constructor(p: number, options?: { seed?: number }) {
          super(p >= 0 && p < 1 ? p : 0.5, options);
        }
      },
  },
];
