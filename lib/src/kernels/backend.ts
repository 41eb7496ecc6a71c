// Chooses where the hot loops run: the native addon (BLAS gemm + SIMD element-wise loops on
// float32) when it loads, else the WebAssembly SIMD gemm, else the pure-TypeScript kernels.
// NNFS_BACKEND=blas|wasm|js|auto (default auto) overrides; asking for one that does not
// load falls back with the reason, so the labs always run. NNFS_THREADS sets the threads.
import * as path from "path";
import { ConfigError } from "../errors";
import type { FloatArray } from "../tensor";
import { parallelJsGemm } from "./backends/js_parallel";
import { LoadedBlas, loadBlasAddon } from "./backends/blas";
import type { AcceleratedKernels } from "./backends/accelerated_kernels";
import { LoadedWasm, loadWasm } from "./backends/wasm";
import { threadCount } from "./threads";

export type BackendName = "blas" | "wasm" | "js";
export const BACKEND_NAMES = ["auto", "blas", "wasm", "js"] as const;

/** C = alpha·op(A)·op(B) + beta·C on row-major arrays, as cblas_?gemm(CblasRowMajor, ...). */
export type GemmFunction = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: FloatArray,
  lda: number,
  B: FloatArray,
  ldb: number,
  beta: number,
  C: FloatArray,
  ldc: number,
) => void;

export interface BackendStatus {
  /** The backend in use. */
  name: BackendName;
  /** Library details, e.g. "scipy-openblas32 from the project venv: OpenBLAS 0.3.34.481.3 ... SkylakeX ..., 2 threads; kernel SkylakeX (chosen by OpenBLAS)". */
  detail: string;
  /** Why the native backend is not in use, when it is not. */
  fallbackReason?: string;
  /** With OpenBLAS: the kernel that runs and how it was chosen. */
  kernel?: { core: string; source: "detected" | "corrected" | "user"; note: string };
  /** Threads the matmul uses (as the library reports them). */
  threads?: number;
  /** With the native backend: which BLAS it links, its version and the file that loaded. */
  library?: { source: "scipy-openblas32" | "system"; version?: string; path?: string };
}

interface Active {
  gemm: GemmFunction;
  /** The backend's own float32 loops (all of them with blas, most with wasm, none with js). */
  accelerated: Partial<AcceleratedKernels> | null;
  status: BackendStatus;
}

let blas: LoadedBlas | { reason: string } | null = null;
let wasm: LoadedWasm | { reason: string } | null = null;
let active: Active | null = null;

function blasAddon(): LoadedBlas | { reason: string } {
  if (blas === null) blas = loadBlasAddon();
  return blas;
}

function wasmKernels(): LoadedWasm | { reason: string } {
  if (wasm === null) wasm = loadWasm(threadCount());
  return wasm;
}

function jsBackend(fallbackReason: string): Active {
  const threads = threadCount();
  const detail = `pure TypeScript, 4×8 register tiles, rows split over ${threads} thread${threads === 1 ? "" : "s"}`;
  return { gemm: parallelJsGemm, accelerated: null, status: { name: "js", detail, fallbackReason, threads } };
}

/** Where each backend comes from; tests replace them to act out a machine without one. */
export interface BackendLoaders {
  blas: () => LoadedBlas | { reason: string };
  wasm: () => LoadedWasm | { reason: string };
}

const LOADERS: BackendLoaders = { blas: blasAddon, wasm: wasmKernels };

/** The wasm backend, or the js one with both reasons (the native one's, then wasm's). */
function wasmBackend(nativeReason: string, loaders: BackendLoaders): Active {
  const loaded = loaders.wasm();
  if ("reason" in loaded) return jsBackend(`${nativeReason}; WebAssembly: ${loaded.reason}`);
  const threads = threadCount();
  const detail = `WebAssembly SIMD, 4×16 tiles, ${threads} thread${threads === 1 ? "" : "s"}; float64 and row gathers in TypeScript`;
  return { gemm: loaded.gemm, accelerated: loaded.elementwise, status: { name: "wasm", detail, fallbackReason: nativeReason, threads } };
}

function choose(requested: string, loaders: BackendLoaders = LOADERS): Active {
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new ConfigError(`NNFS_BACKEND must be one of ${BACKEND_NAMES.map((b) => JSON.stringify(b)).join(", ")} (got ${JSON.stringify(requested)})`);
  }
  if (requested === "js") return jsBackend("NNFS_BACKEND=js");
  if (requested === "wasm") return wasmBackend("NNFS_BACKEND=wasm", loaders);
  const loaded = loaders.blas();
  if ("addon" in loaded) {
    // OpenBLAS uses every core by default (or OPENBLAS_NUM_THREADS); NNFS_THREADS overrides both.
    if (process.env.NNFS_THREADS) loaded.addon.setThreads(threadCount());
    const info = loaded.addon.info();
    const threads = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? "" : "s"}` : "";
    const kernel = info.core ? { core: info.core, source: loaded.core?.source ?? "detected", note: loaded.core?.note ?? "chosen by OpenBLAS" } : undefined;
    const library = {
      source: info.source,
      version: /^OpenBLAS (\S+)/.exec(info.library)?.[1],
      path: info.path === undefined ? undefined : path.resolve(info.path),
    };
    const from = info.source === "scipy-openblas32" ? `scipy-openblas32 from the project venv: ${info.library}` : `system: ${info.library}`;
    const detail = `${from}${threads}${kernel ? `; kernel ${kernel.core} (${kernel.note})` : ""}`;
    return {
      gemm: loaded.addon.gemm,
      accelerated: loaded.addon,
      status: { name: "blas", detail, kernel, threads: info.threads > 0 ? info.threads : undefined, library },
    };
  }
  return wasmBackend(loaded.reason, loaders);
}

/** Which backend `requested` gives with these loaders, without switching (for tests). */
export function chooseBackend(requested: string, loaders: BackendLoaders): BackendStatus {
  return { ...choose(requested, loaders).status };
}

function current(): Active {
  if (active === null) active = choose(process.env.NNFS_BACKEND || "auto");
  return active;
}

/** The gemm in use. */
export function activeGemm(): GemmFunction {
  return current().gemm;
}

/**
 * The active backend's own loop `name` (native or WebAssembly) when it has one and every
 * array is float32 (those loops are single precision); else null, meaning "use the
 * TypeScript loop". The exercise grader's engine watch wraps it under this name.
 */
export function acceleratedFloat32<K extends keyof AcceleratedKernels>(name: K, ...arrays: FloatArray[]): AcceleratedKernels[K] | null {
  const kernel = current().accelerated?.[name];
  if (kernel === undefined) return null;
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return kernel as AcceleratedKernels[K];
}

/**
 * With the native backend, sets OpenBLAS's threads (one count for the whole process) to
 * `threads` and returns a function that puts back the count it had; elsewhere does nothing.
 * runJobs holds one thread while its workers run jobs side by side.
 */
export function holdBlasThreads(threads: number): () => void {
  const native = current().status.name === "blas" ? blasAddon() : null;
  if (native === null || !("addon" in native)) return () => undefined;
  const { addon } = native;
  const before = addon.info().threads;
  addon.setThreads(threads);
  return () => addon.setThreads(before);
}

/** Which backend is in use and, if it is not the native one, why. */
export function backendStatus(): BackendStatus {
  return { ...current().status };
}

/** Switches backend for this process (tests and benchmarks compare them). */
export function useBackend(name: BackendName | "auto"): BackendStatus {
  active = choose(name);
  return backendStatus();
}

/** Each backend's gemm that can run here, by name (native and wasm only where they load). */
export function availableBackends(): Partial<Record<BackendName, GemmFunction>> {
  const found: Partial<Record<BackendName, GemmFunction>> = { js: parallelJsGemm };
  const native = blasAddon();
  if ("addon" in native) found.blas = native.addon.gemm;
  const web = wasmKernels();
  if ("gemm" in web) found.wasm = web.gemm;
  return found;
}

/** One line for people: "matmul backend: blas (OpenBLAS ...)" or the js fallback and why. */
export function describeBackend(): string {
  const s = backendStatus();
  const why = s.fallbackReason ? `; native BLAS not used: ${s.fallbackReason}` : "";
  return `nnfs matmul backend: ${s.name} (${s.detail}${why})`;
}
