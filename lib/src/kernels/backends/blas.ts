// Loads the native BLAS addon (lib/native, built by scripts/build-native.sh). Loading can
// fail for many ordinary reasons (not built, no CBLAS, another platform); the caller
// gets the reason as text and falls back to the TypeScript kernels.
import * as fs from "fs";
import * as path from "path";
import type { FloatArray } from "../../tensor";

/** What nnfs_blas.node exports (see lib/native/blas.cc). */
export interface BlasAddon {
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: FloatArray, lda: number, b: FloatArray, ldb: number, beta: number, c: FloatArray, ldc: number,
  ): void;
  info(): { library: string; core?: string; threads: number };
  setThreads(threads: number): void;
}

/** The addon's float32 element-wise kernels (lib/native/elementwise.cc); see elementwise.ts for their meaning. */
export interface NativeKernels {
  relu(x: Float32Array, y: Float32Array): void;
  reluBackward(dOut: Float32Array, y: Float32Array, dx: Float32Array): void;
  sigmoid(x: Float32Array, y: Float32Array): void;
  sigmoidBackward(dOut: Float32Array, y: Float32Array, dx: Float32Array): void;
  sgdUpdate(value: Float32Array, grad: Float32Array, lr: number, weightDecay: number): void;
  mse(pred: Float32Array, target: Float32Array, grad?: Float32Array): number;
  sumOfSquares(x: Float32Array): number;
  sumOverRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  firstNonFinite(x: Float32Array): number;
  gatherRows(src: Float32Array, cols: number, idx: Int32Array, start: number, end: number, out: Float32Array): void;
  columnMeanVariance(x: Float32Array, rows: number, cols: number, mean: Float32Array, variance: Float32Array): void;
  normalizeColumns(
    x: Float32Array, rows: number, cols: number, mean: Float32Array, invStd: Float32Array,
    gamma: Float32Array, beta: Float32Array, xHat: Float32Array, y: Float32Array,
  ): void;
  normalizeColumnsBackward(
    dOut: Float32Array, rows: number, cols: number, xHat: Float32Array, gamma: Float32Array, invStd: Float32Array,
    training: boolean, dGamma: Float32Array, dBeta: Float32Array, dX: Float32Array,
  ): void;
}

/** lib/native, found by walking up from this file (it runs from lib/dist or lib/build). */
function nativeFolder(): string | null {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "native", "binding.gyp"))) return path.join(dir, "native");
  }
  return null;
}

/** The built addon's path, or null when lib/native cannot be found. */
export function blasAddonPath(): string | null {
  const folder = nativeFolder();
  return folder === null ? null : path.join(folder, "build", "Release", "nnfs_blas.node");
}

/** Every function the engine calls on the addon; an addon built from older sources lacks some. */
const NATIVE_FUNCTIONS = ["gemm", "info", "setThreads", "relu", "reluBackward", "sigmoid", "sigmoidBackward", "sgdUpdate", "mse", "sumOfSquares", "sumOverRows", "firstNonFinite", "gatherRows", "columnMeanVariance", "normalizeColumns", "normalizeColumnsBackward"] as const;

/** Loads the addon (from `file`, default the built one) or says why it cannot. */
export function loadBlasAddon(file: string | null = blasAddonPath()): { addon: BlasAddon & NativeKernels } | { reason: string } {
  if (file === null) return { reason: "lib/native is missing" };
  if (!fs.existsSync(file)) return { reason: "the addon is not built (bash scripts/build-native.sh)" };
  try {
    // A native module has no type information; BlasAddon describes it.
    const addon = require(file) as BlasAddon & NativeKernels;
    addon.info();
    const missing = NATIVE_FUNCTIONS.filter((name) => typeof (addon as unknown as Record<string, unknown>)[name] !== "function");
    if (missing.length > 0) return { reason: `the addon is older than the engine (it lacks ${missing.join(", ")}); rebuild it with npm run build` };
    return { addon };
  } catch (err) {
    return { reason: `the addon did not load: ${(err as Error).message.split("\n")[0]}` };
  }
}
