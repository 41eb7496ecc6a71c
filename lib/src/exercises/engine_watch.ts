// Whether the learner's graded methods did the work themselves or handed it to the engine:
// while a check runs, the engine's layers, losses, SGD and kernels are wrapped so that a call
// made from inside the learner's forward, backward, step or loss is recorded (the grader's
// own calls to the engine are not), and the originals are put back when the check ends.
// Calls through nn.kernels.*, nn.softmaxCrossEntropy & co., an nn.Linear held in a field, or
// `super.forward` of a class that extends nn.Linear are seen: each looks the function up when
// it is called. A kernel taken out of nn.kernels before the check runs (`const { gemm } =
// nn.kernels` at the top of a cell) is the unwrapped original, so the watch also sits one level
// lower, on the backend dispatch every kernel but fillRows and argmaxRows goes through
// (activeGemm, acceleratedFloat32): a dispatch from learner code that no wrapped engine function
// made is a kernel called directly.
// A loss taken out of nn before the check calls no kernel (softmaxCrossEntropy) or one
// (meanSquaredError: seen as nn.kernels.meanSquaredDiff); E3 hands the learner's loss logits
// that look for the engine's loss on the stack when read (probedCopy, engineOnStack), as E0
// does in the functions and layers it hands the learner's checker.
// NOTE: still unseen: fillRows and argmaxRows taken out before the check (they dispatch to no
// backend; neither does a graded method's arithmetic).
import * as matmul from "../kernels/matmul";
import * as reduce from "../kernels/reduce";
import * as elementwise from "../kernels/elementwise";
import * as gather from "../kernels/gather";
import * as normalize from "../kernels/normalize";
import * as softmaxCe from "../losses/softmax_cross_entropy";
import * as mse from "../losses/mse";
import * as sgd from "../optim/sgd";
import * as backend from "../kernels/backend";
import { BatchNorm1d, Dropout, Linear, ReLU, Sigmoid } from "../layers";
import { Momentum } from "../optim/momentum";
import { RMSProp } from "../optim/rmsprop";
import { Adam } from "../optim/adam";
import type { Matrix } from "../tensor";

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

/** An engine module's file, and the name the learner knows a function of it by. */
export interface EngineModule {
  file: RegExp;
  name: (fn: string | null) => string;
}

export const GRADCHECK_MODULE: EngineModule = { file: /[\\/]testing[\\/]gradcheck\.[jt]s$/, name: (fn) => `nn.gradcheck.${fn ?? "numericalGradient"}` };
export const SOFTMAX_CE_MODULE: EngineModule = { file: /[\\/]losses[\\/]softmax_cross_entropy\.[jt]s$/, name: (fn) => `nn.${fn ?? "softmaxCrossEntropy"}` };

/**
 * The outermost function of `module` on the call stack now (the one the learner called, e.g.
 * "nn.gradcheck.checkLayerGradients" rather than the numericalGradient inside it), or null.
 * Asked from inside what the grader hands the learner's code (a function, a layer, an input),
 * it sees the engine however the learner reached it, also through a function taken out of nn
 * before the check.
 */
export function engineOnStack(module: EngineModule): string | null {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  // The call sites themselves, unformatted (formatting costs most); the engine calls back within a few frames.
  Error.prepareStackTrace = (_err, sites) => sites;
  Error.stackTraceLimit = 12;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.captureStackTrace(holder, engineOnStack);
    const site = (holder.stack ?? []).filter((s) => module.file.test(s.getFileName() ?? "")).at(-1);
    return site === undefined ? null : module.name(site.getFunctionName());
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * A copy of m whose first `reads` reads of .data call onRead, after which .data is a plain
 * property again: the engine's loss reads its input's .data right away, a learner's own code
 * costs only those few calls.
 */
export function probedCopy(m: Matrix, onRead: () => void, reads = 4): Matrix {
  const copy = m.clone();
  const data = copy.data;
  let left = reads;
  Object.defineProperty(copy, "data", {
    configurable: true,
    enumerable: true,
    get(): Matrix["data"] {
      if (left-- > 0) onRead();
      else Object.defineProperty(copy, "data", { value: data, enumerable: true, configurable: true, writable: false });
      return data;
    },
  });
  return copy;
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
  const classes: Array<[string, { prototype: object }]> = [
    ["Linear", Linear],
    ["ReLU", ReLU],
    ["Sigmoid", Sigmoid],
    ["BatchNorm1d", BatchNorm1d],
    ["SGD", sgd.SGD],
    ["Dropout", Dropout],
    ["Momentum", Momentum],
    ["RMSProp", RMSProp],
    ["Adam", Adam],
  ];
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
  const dispatch = { activeGemm: slots.activeGemm as AnyFunction, acceleratedFloat32: slots.acceleratedFloat32 as AnyFunction };
  slots.activeGemm = function (this: unknown, ...args: unknown[]): unknown {
    const gemm = dispatch.activeGemm.apply(this, args) as AnyFunction;
    if (!recording()) return gemm;
    // The transpose flags tell which of the matrix multiplies was called.
    return (...a: unknown[]): unknown => (
      note(a[0] ? "nn.kernels.matmulTransA" : a[1] ? "nn.kernels.matmulTransB" : "nn.kernels.gemm (or matmul)"),
      gemm(...a)
    );
  };
  slots.acceleratedFloat32 = function (this: unknown, ...args: unknown[]): unknown {
    if (recording()) note(`nn.kernels.${args[0] === "mse" ? "meanSquaredDiff" : String(args[0])}`);
    return dispatch.acceleratedFloat32.apply(this, args);
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
