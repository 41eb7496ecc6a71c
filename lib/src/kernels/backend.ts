// Chooses where the hot loops run: the native addon (BLAS gemm + SIMD element-wise
// loops on float32) when it loads, else the pure-TypeScript kernels. NNFS_BACKEND=
// js|blas|auto (default auto) overrides; asking for blas where it does not load falls
// back with the reason, so the labs always run.
import { ConfigError } from "../errors";
import type { FloatArray } from "../tensor";
import { parallelJsGemm } from "./backends/js_parallel";
import { LoadedBlas, NativeKernels, loadBlasAddon } from "./backends/blas";

export type BackendName = "blas" | "js";

/** C = alpha·op(A)·op(B) + beta·C on row-major arrays, as cblas_?gemm(CblasRowMajor, ...). */
export type GemmFunction = (
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  A: FloatArray, lda: number, B: FloatArray, ldb: number, beta: number, C: FloatArray, ldc: number,
) => void;

export interface BackendStatus {
  /** The backend in use. */
  name: BackendName;
  /** Library details, e.g. "OpenBLAS 0.3.21 ... Zen, 2 threads". */
  detail: string;
  /** Why the native backend is not in use, when it is not. */
  fallbackReason?: string;
  /** With OpenBLAS: the kernel that runs and how it was chosen. */
  kernel?: { core: string; source: "detected" | "corrected" | "user"; note: string };
  /** Threads the matmul uses (as the library reports them). */
  threads?: number;
}

interface Active {
  gemm: GemmFunction;
  /** Native float32 element-wise kernels, with the blas backend only. */
  native: NativeKernels | null;
  status: BackendStatus;
}

let blas: LoadedBlas | { reason: string } | null = null;
let active: Active | null = null;

function blasAddon(): LoadedBlas | { reason: string } {
  if (blas === null) blas = loadBlasAddon();
  return blas;
}

const JS_DETAIL = "pure TypeScript, 4×8 register tiles, rows split over 2 threads";

function choose(requested: string): Active {
  if (!["auto", "blas", "js"].includes(requested)) {
    throw new ConfigError(`NNFS_BACKEND must be "auto", "blas" or "js" (got ${JSON.stringify(requested)})`);
  }
  if (requested === "js") {
    return { gemm: parallelJsGemm, native: null, status: { name: "js", detail: JS_DETAIL, fallbackReason: "NNFS_BACKEND=js" } };
  }
  const loaded = blasAddon();
  if ("addon" in loaded) {
    const info = loaded.addon.info();
    const threads = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? "" : "s"}` : "";
    const kernel = info.core ? { core: info.core, source: loaded.core?.source ?? "detected", note: loaded.core?.note ?? "chosen by OpenBLAS" } : undefined;
    const detail = `${info.library}${threads}${kernel ? `; kernel ${kernel.core} (${kernel.note})` : ""}`;
    return { gemm: loaded.addon.gemm, native: loaded.addon, status: { name: "blas", detail, kernel, threads: info.threads > 0 ? info.threads : undefined } };
  }
  return { gemm: parallelJsGemm, native: null, status: { name: "js", detail: JS_DETAIL, fallbackReason: loaded.reason } };
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
 * The native element-wise kernels when the blas backend is active and every array is
 * float32 (the native loops are single precision); else null, meaning "use the
 * TypeScript loop".
 */
export function nativeFloat32(...arrays: FloatArray[]): NativeKernels | null {
  const native = current().native;
  if (native === null) return null;
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return native;
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

/** Each backend's gemm that can run here, by name (the native one only if it loads). */
export function availableBackends(): Partial<Record<BackendName, GemmFunction>> {
  const loaded = blasAddon();
  return "addon" in loaded ? { js: parallelJsGemm, blas: loaded.addon.gemm } : { js: parallelJsGemm };
}

/** One line for people: "matmul backend: blas (OpenBLAS ...)" or the js fallback and why. */
export function describeBackend(): string {
  const s = backendStatus();
  const why = s.fallbackReason ? `; native BLAS not used: ${s.fallbackReason}` : "";
  return `nnfs matmul backend: ${s.name} (${s.detail}${why})`;
}
