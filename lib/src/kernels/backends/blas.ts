// Loads the native BLAS addon (lib/native, built by scripts/build-native.sh). Loading can
// fail for many ordinary reasons (not built, no CBLAS, another platform); the caller
// gets the reason as text and falls back to the TypeScript kernels.
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import type { FloatArray } from "../../tensor";
import { CoreChoice, capableCore, chooseCoretype, cpuFlags } from "./openblas_core";
import { findUp } from "./find_up";
import type { AcceleratedKernels } from "./accelerated_kernels";

/** What nnfs_blas.node exports (see lib/native/blas.cc). */
export interface BlasAddon {
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    lda: number,
    b: FloatArray,
    ldb: number,
    beta: number,
    c: FloatArray,
    ldc: number,
  ): void;
  info(): BlasInfo;
  setThreads(threads: number): void;
}

/** What the addon says about its BLAS (lib/native/blas.cc, Info). */
export interface BlasInfo {
  /** The library's own description, e.g. "OpenBLAS 0.3.34.481.3 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
  library: string;
  /** What it was linked against: the project venv's scipy-openblas32 wheel or the system CBLAS. */
  source: "scipy-openblas32" | "system";
  /** The shared library file that loaded (absent with Accelerate). */
  path?: string;
  /** The kernel OpenBLAS runs (absent with Accelerate). */
  core?: string;
  threads: number;
}

/** The addon's float32 element-wise kernels (lib/native/elementwise.cc): every accelerated loop. */
export type NativeKernels = AcceleratedKernels;

/** The built addon's path, or null when lib/native cannot be found (walking up from this file). */
export function blasAddonPath(): string | null {
  const lib = findUp(path.join("native", "binding.gyp"));
  return lib === null ? null : path.join(lib, "native", "build", "Release", "nnfs_blas.node");
}

/** Every function the engine calls on the addon; an addon built from older sources lacks some. */
const NATIVE_FUNCTIONS = [
  "gemm",
  "info",
  "setThreads",
  "relu",
  "reluBackward",
  "sigmoid",
  "sigmoidBackward",
  "sgdUpdate",
  "mse",
  "sumOfSquares",
  "sumOverRows",
  "firstNonFinite",
  "gatherRows",
  "columnMeanVariance",
  "normalizeColumns",
  "normalizeColumnsBackward",
] as const;

/** What the loaded addon is, and how its OpenBLAS kernel was chosen (null with Accelerate or elsewhere). */
export interface LoadedBlas {
  addon: BlasAddon & NativeKernels;
  core: CoreChoice | null;
}

/**
 * Loads the addon (from `file`, default the built one) or says why it cannot. On x86 Linux,
 * OpenBLAS's kernel is decided first (see openblas_core.ts): `probe` tells which kernel it
 * would pick by itself; OPENBLAS_CORETYPE is set before the library loads when that one is
 * a generic kernel on a capable CPU.
 */
export function loadBlasAddon(
  file: string | null = blasAddonPath(),
  probe: (file: string, flags: ReadonlySet<string>) => string | null = probeReportedCore,
): LoadedBlas | { reason: string } {
  if (file === null) return { reason: "lib/native is missing" };
  if (!fs.existsSync(file)) return { reason: "the addon is not built (bash scripts/build-native.sh)" };
  try {
    const core = decideCore(file, probe);
    if (core?.coretype) process.env.OPENBLAS_CORETYPE = core.coretype;
    // A native module has no type information; BlasAddon describes it.
    const addon = require(file) as BlasAddon & NativeKernels;
    addon.info();
    const missing = NATIVE_FUNCTIONS.filter((name) => typeof (addon as unknown as Record<string, unknown>)[name] !== "function");
    if (missing.length > 0) return { reason: `the addon is older than the engine (it lacks ${missing.join(", ")}); rebuild it with npm run build` };
    return { addon, core };
  } catch (err) {
    const first = (err as Error).message.split("\n")[0];
    const hint = /libscipy_openblas/.test(first) ? " (the project venv's scipy-openblas32 it was linked against is gone: bash scripts/build-native.sh)" : "";
    return { reason: `the addon did not load: ${first}${hint}` };
  }
}

/** The kernel decision on x86-64 Linux (OpenBLAS); null elsewhere. */
function decideCore(file: string, probe: (file: string, flags: ReadonlySet<string>) => string | null): CoreChoice | null {
  if (process.platform !== "linux" || process.arch !== "x64") return null;
  const flags = cpuFlags();
  const userValue = process.env.OPENBLAS_CORETYPE || undefined;
  // The probe costs a child process, so only where a correction is possible.
  const reported = userValue === undefined && capableCore(flags) !== null ? probe(file, flags) : null;
  return chooseCoretype({ userValue, flags, reported });
}

/**
 * The kernel OpenBLAS picks by itself on this machine. It decides when the library loads,
 * which cannot be undone in this process, so a child process loads the addon and says;
 * the answer is cached beside the addon for this CPU and this build.
 */
export function probeReportedCore(file: string, flags: ReadonlySet<string> = cpuFlags()): string | null {
  const cache = path.join(path.dirname(file), "openblas-core.json");
  const key = `${fs.statSync(file).mtimeMs} ${createHash("sha256")
    .update([...flags].sort().join(" "))
    .digest("hex")
    .slice(0, 16)}`;
  try {
    const cached = JSON.parse(fs.readFileSync(cache, "utf8")) as { key?: string; core?: string | null };
    if (cached.key === key && cached.core !== undefined) return cached.core;
  } catch {
    // no cache yet
  }
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const out = spawnSync(process.execPath, ["-e", `console.log(require(${JSON.stringify(file)}).info().core ?? "")`], {
    encoding: "utf8",
    env,
    timeout: 30_000,
  });
  const core = out.status === 0 ? out.stdout.trim() || null : null;
  try {
    fs.writeFileSync(cache, JSON.stringify({ key, core }) + "\n");
  } catch {
    // a read-only install: probe again next time
  }
  return core;
}
