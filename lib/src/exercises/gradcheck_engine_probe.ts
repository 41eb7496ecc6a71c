// E0's probe for a checker that hands its work to the engine: the functions and layers E0 gives
// the learner's checker ask, each time they are called, whether the engine's nn.gradcheck
// (numericalGradient or checkLayerGradients) is on the call stack, and note it on the report.
// Reading the stack is engineOnStack's (engine_watch.ts); this file only wires it to E0's grader.
import type { Matrix } from "../tensor";
import type { Grader } from "./grader";
import { GRADCHECK_MODULE, engineOnStack, learnerMethodNow } from "./engine_watch";

/** What E0 puts inside what it hands the learner's checker. */
export interface GradcheckProbe {
  /** Notes on the grader the engine helper on the stack now, if a learner method is running. */
  probe: () => void;
  /** f, probing at every evaluation. */
  probed: (f: (x: Matrix) => number) => (m: Matrix) => number;
}

/** The probe for grader `g`. */
export function gradcheckEngineProbe(g: Grader): GradcheckProbe {
  // The functions and layers handed to the learner's checker ask who called them: the engine's
  // numericalGradient (or checkLayerGradients) on the stack means the checker handed its work over.
  const probe = (): void => {
    const helper = engineOnStack(GRADCHECK_MODULE);
    const method = learnerMethodNow();
    if (helper !== null && method !== undefined) g.noteEngineUse(method, helper);
  };
  const probed =
    (f: (x: Matrix) => number) =>
    (m: Matrix): number => (probe(), f(m));
  return { probe, probed };
}
