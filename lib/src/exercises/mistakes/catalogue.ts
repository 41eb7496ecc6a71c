// The catalogue of classic mistakes: each named mistake exists once, as one entry with its
// hint, the wrong value it gives on a check's case (what the grader matches a wrong answer
// against) and the wrong implementation that makes it (what the grader's tests run).
// A mistake only a special-purpose diagnosis can name shows nowhere and has no value (E3's one
// max for the batch, named by its rows-alone test); E0's checker mistakes are not here.
import { Matrix } from "../../tensor";
import type { NumberSuspect, Suspect } from "../answer_comparison";

export type ExerciseId = "E0" | "E1" | "E2" | "E3" | "E4" | "E5" | "E6" | "E7" | "E8";
/** The exercises before E7 (the default of a Mistake's exercise, as the E0–E6 mutation suite types it). */
type FirstExercises = Exclude<ExerciseId, "E7" | "E8">;

/**
 * One classic mistake.
 * @typeParam Impl what the learner writes (a class or a function), as the exercise takes it
 * @typeParam Case what a check knows about one case (inputs and the engine's answers)
 * @typeParam Shows the quantities of the exercise a mistake can show in, e.g. "dW"
 * @typeParam Id the exercise; E7's and E8's catalogues name theirs
 */
export interface Mistake<Impl, Case, Shows extends string, Value = Matrix, Id extends ExerciseId = FirstExercises> {
  /** Short and unique, e.g. "dW transposed". */
  id: string;
  exercise: Id;
  /** The checked quantities where it shows; the grader offers it as a suspect there. */
  shows: readonly Shows[];
  /** What a learner whose answer equals `value` is told. */
  hint: string;
  /**
   * The wrong value on a case, for the quantity `shows` (one mistake can show in two, e.g. dγ
   * and dβ swapped); null where it has no shape (a dOut·W that needs W square).
   */
  value: (c: Case, shows: Shows) => Value | null;
  /**
   * The mistake made in code: a correct implementation in, the same with this one mistake out.
   * The grader's tests apply it to correct learner code written independently of the grader
   * and expect exactly `hint`, so a `value` that stops matching its `wrong` is caught.
   */
  wrong: (correct: Impl) => Impl;
}

/** What the grader reads of an entry. */
type Entry<C, S extends string, V> = Pick<Mistake<never, C, S, V>, "shows" | "hint" | "value">;

/** The suspects for quantity `shows` of case c, in catalogue order. */
export function suspectsFor<C, S extends string>(catalogue: readonly Entry<C, S, Matrix>[], shows: S, c: C): Suspect[] {
  return catalogue.filter((m) => m.shows.includes(shows)).map((m) => ({ hint: m.hint, value: () => m.value(c, shows) }));
}

/** The suspects for a scalar quantity (a loss) of case c. */
export function numberSuspectsFor<C, S extends string>(catalogue: readonly Entry<C, S, number>[], shows: S, c: C): NumberSuspect[] {
  return catalogue.filter((m) => m.shows.includes(shows)).map((m) => ({ hint: m.hint, value: () => m.value(c, shows) ?? Number.NaN }));
}

/** A class whose constructor takes anything: what a mixin's base must be typed as. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mixable<T> = new (...args: any[]) => T;
