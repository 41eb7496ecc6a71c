// Whether the learner's graded methods did the work themselves or handed it to the engine:
// while a check runs, the engine's layers, losses, SGD and kernels are wrapped so that a call
// made from inside the learner's forward, backward, step or loss is recorded (the grader's
// own calls to the engine are not), and the originals are put back when the check ends.
// Calls through nn.kernels.*, nn.softmaxCrossEntropy & co., an nn.Linear held in a field, or
// `super.forward` of a class that extends nn.Linear are seen: each looks the function up when
// it is called. A kernel taken out of nn.kernels before the check runs (`const { gemm } =
// nn.kernels` at the top of a cell) is the unwrapped original, so the watch also sits one level
// lower, on the backend dispatch every kernel but fillRows and argmaxRows goes through
// (activeGemm, nativeFloat32): a dispatch from learner code that no wrapped engine function
// made is a kernel called directly.
// NOTE: still unseen: fillRows and argmaxRows taken out before the check (they dispatch to no
// backend; neither does a graded method's arithmetic), and a loss function taken out of nn
// before the check (`const { softmaxCrossEntropy } = nn`; it calls no kernel).
import * as matmul from "../kernels/matmul";
import * as reduce from "../kernels/reduce";
import * as elementwise from "../kernels/elementwise";
import * as gather from "../kernels/gather";
import * as normalize from "../kernels/normalize";
import * as softmaxCe from "../losses/softmax_cross_entropy";
import * as mse from "../losses/mse";
import * as sgd from "../optim/sgd";
import * as backend from "../kernels/backend";
import { BatchNorm1d, Linear, ReLU, Sigmoid } from "../layers";

type AnyFunction = (...args: unknown[]) => unknown;
type Slots = Record<string, unknown>;

/** What watched checks saw: per graded method, the engine parts it called. */
export interface EngineUses {
  /** e.g. "Linear.backward" → {"nn.kernels.matmulTransA", "nn.kernels.sumOverRows"}. */
  uses: Map<string, Set<string>>;
}

/** The learner methods now running (innermost last), as the grader names them: "Linear.forward". */
const running: string[] = [];
/** > 0 while an engine function runs: its own inner calls (nn.Linear's gemm) are not recorded again. */
let engineDepth = 0;
let active: { graded: readonly string[]; seen: EngineUses } | null = null;

/** Runs learner code named `where` (the grader's learner() does this for every call). */
export function inLearnerCode<T>(where: string, f: () => T): T {
  running.push(where);
  try {
    return f();
  } finally {
    running.pop();
  }
}

/** The learner method now running (innermost), as the grader names it; undefined in the grader's own code. */
export function learnerMethodNow(): string | undefined {
  return running[running.length - 1];
}

/** The file of the engine's gradient-check module (nn.gradcheck). */
const GRADCHECK_FILE = /[\\/]testing[\\/]gradcheck\.[jt]s$/;

/**
 * The engine's gradient-check helper on the call stack now, as the learner knows it (e.g.
 * "nn.gradcheck.numericalGradient"), or null. E0's grader asks from inside the functions and
 * layers it hands the learner's checker: a helper that calls back into them is on the stack
 * however the learner reached it (nn.gradcheck.x, or x taken out of it before the check).
 */
export function gradcheckHelperOnStack(): string | null {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  // The call sites themselves, unformatted (formatting costs most); the helper calls back within a few frames.
  Error.prepareStackTrace = (_err, sites) => sites;
  Error.stackTraceLimit = 12;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.captureStackTrace(holder, gradcheckHelperOnStack);
    const site = (holder.stack ?? []).find((s) => GRADCHECK_FILE.test(s.getFileName() ?? ""));
    return site === undefined ? null : `nn.gradcheck.${site.getFunctionName() ?? "numericalGradient"}`;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * Runs `body` (a check) with the engine wrapped; calls to it from inside the learner methods
 * named in `graded` are added to `seen`. Nested calls run `body` under the outer watch.
 */
export function watchEngine<T>(graded: readonly string[], seen: EngineUses, body: () => T): T {
  if (active !== null) return body();
  const restore = install();
  active = { graded, seen };
  try {
    return body();
  } finally {
    active = null;
    restore();
  }
}

/** The engine's functions and methods a learner could hand a graded method to, with the name the learner knows. */
function targets(): Array<{ owner: Slots; key: string; name: string }> {
  const out: Array<{ owner: Slots; key: string; name: string }> = [];
  for (const mod of [matmul, reduce, elementwise, gather, normalize] as unknown as Slots[]) {
    for (const key of Object.keys(mod)) if (typeof mod[key] === "function") out.push({ owner: mod, key, name: `nn.kernels.${key}` });
  }
  for (const mod of [softmaxCe, mse] as unknown as Slots[]) {
    for (const key of Object.keys(mod)) if (typeof mod[key] === "function" && key !== "checkLabels") out.push({ owner: mod, key, name: `nn.${key}` });
  }
  out.push({ owner: sgd as unknown as Slots, key: "l2Penalty", name: "nn.l2Penalty" });
  const classes: Array<[string, { prototype: object }]> = [["Linear", Linear], ["ReLU", ReLU], ["Sigmoid", Sigmoid], ["BatchNorm1d", BatchNorm1d], ["SGD", sgd.SGD]];
  for (const [name, cls] of classes) {
    const proto = cls.prototype as Slots;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (key === "constructor" || key === "params" || key === "buffers" || typeof d?.value !== "function") continue;
      out.push({ owner: proto, key, name: `nn.${name} (its ${key})` });
    }
  }
  return out;
}

/** Wraps every target and the backend dispatch; returns the function that puts the originals back. */
function install(): () => void {
  const saved = targets().map((t) => ({ ...t, original: t.owner[t.key] as AnyFunction }));
  for (const t of saved) t.owner[t.key] = spy(t.name, t.original);
  const slots = backend as unknown as Slots;
  const dispatch = { activeGemm: slots.activeGemm as AnyFunction, nativeFloat32: slots.nativeFloat32 as AnyFunction };
  slots.activeGemm = function (this: unknown, ...args: unknown[]): unknown {
    const gemm = dispatch.activeGemm.apply(this, args) as AnyFunction;
    if (!recording()) return gemm;
    // The transpose flags tell which of the matrix multiplies was called.
    return (...a: unknown[]): unknown => (note(a[0] ? "nn.kernels.matmulTransA" : a[1] ? "nn.kernels.matmulTransB" : "nn.kernels.gemm (or matmul)"), gemm(...a));
  };
  slots.nativeFloat32 = function (this: unknown, ...args: unknown[]): unknown {
    if (recording()) note(`nn.kernels.${args[0] === "mse" ? "meanSquaredDiff" : String(args[0])}`);
    return dispatch.nativeFloat32.apply(this, args);
  };
  return () => {
    for (const t of saved) t.owner[t.key] = t.original;
    Object.assign(slots, dispatch);
  };
}

/** Whether an engine call now comes straight from a graded learner method (not from inside another engine function). */
function recording(): boolean {
  const where = running[running.length - 1];
  return active !== null && engineDepth === 0 && where !== undefined && active.graded.includes(where);
}

/** Records that the graded method now running used `name`. */
function note(name: string): void {
  const where = running[running.length - 1];
  const seen = active!.seen.uses.get(where) ?? new Set<string>();
  active!.seen.uses.set(where, seen.add(name));
}

function spy(name: string, original: AnyFunction): AnyFunction {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (recording()) note(name);
    engineDepth++;
    try {
      return original.apply(this, args);
    } finally {
      engineDepth--;
    }
  };
}
