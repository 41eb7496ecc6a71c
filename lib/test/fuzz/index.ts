// Fuzzing of every reader of outside bytes: seeded cases derived from valid files, a runner
// that counts loaded / refused / failed, and one target per format.
import { idxTarget } from "./idx_target";
import { npyTarget } from "./npy_target";
import { npzTarget } from "./npz_target";
import { FuzzTarget } from "./runner";
import { safetensorsTarget } from "./safetensors_target";

export { refusalKind, runCase, runFuzz, InvalidObject } from "./runner";
export type { CaseResult, FuzzCase, FuzzOptions, FuzzReport, FuzzTarget, Outcome } from "./runner";
export { mutateBytes } from "./mutate";
export { idxTarget, npyTarget, npzTarget, safetensorsTarget };

/** The formats, by name, each making its target (which holds scratch files until closed). */
export const FUZZ_TARGETS: Record<string, () => FuzzTarget> = {
  "IDX raw": () => idxTarget(false),
  "IDX gzip": () => idxTarget(true),
  safetensors: safetensorsTarget,
  NPY: npyTarget,
  NPZ: npzTarget,
};
