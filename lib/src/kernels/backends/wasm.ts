// The WebAssembly backend: float32 matrix products by the SIMD kernel of lib/wasm/gemm.ts
// (compiled by scripts/build-wasm.sh, no C toolchain), for machines where the native addon
// cannot load. The operands are copied into one shared WebAssembly memory, op(B) is packed
// once, and the rows of C are split over worker threads that run the same module on that
// memory (the pool of worker_pool.ts). float64 products stay on the TypeScript kernels.
import * as fs from "fs";
import * as path from "path";
import type { FloatArray } from "../../tensor";
import { jsGemm } from "./js_gemm";
import { splitRows } from "../threads";
import { WorkerPool } from "./worker_pool";
import { WASM_JOB_FIELDS } from "./worker_protocol";
import { PAGE, WasmElementwiseExports, align, ensure, wasmElementwise } from "./wasm_elementwise";
import { findUp } from "./find_up";
import type { AcceleratedKernels } from "./accelerated_kernels";

/** What lib/wasm/gemm.ts exports (pointers are byte offsets into the shared memory). */
export interface WasmExports extends WasmElementwiseExports {
  packB(transB: boolean, k: number, n: number, b: number, ldb: number, packed: number): void;
  gemmRows(
    transA: boolean,
    m0: number,
    m1: number,
    n: number,
    k: number,
    alpha: number,
    beta: number,
    a: number,
    lda: number,
    packedB: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
}

const BASE = 1 << 20; // below: the module's own data
const MAX_PAGES = 16384; // 1 GiB
const MIN_WORK = 1 << 18; // m·n·k below this runs on this thread only
const NR = 16;
const MR = 4;

interface Runtime {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  kernels: WasmExports;
  /** Threads the products use: 1 once the workers could not start or one died. */
  threads: number;
  /** Started by the first product split over threads. */
  pool: WorkerPool | null;
}

let runtime: Runtime | null = null;

/** lib/wasm/build/kernels.wasm, found by walking up from this file (it runs from lib/dist or lib/build). */
export function wasmModulePath(): string | null {
  const lib = findUp(path.join("wasm", "gemm.ts"));
  return lib === null ? null : path.join(lib, "wasm", "build", "kernels.wasm");
}

/** The loaded backend: its matrix product and its element-wise loops. */
export interface LoadedWasm {
  gemm: typeof wasmGemm;
  elementwise: Partial<AcceleratedKernels>;
}

/** Compiles the module for `threads` threads, or says why it cannot run here. */
export function loadWasm(threads: number, file: string | null = wasmModulePath()): LoadedWasm | { reason: string } {
  if (file === null) return { reason: "lib/wasm is missing" };
  if (!fs.existsSync(file)) return { reason: "the WebAssembly kernels are not built (bash scripts/build-wasm.sh)" };
  try {
    const module = new WebAssembly.Module(fs.readFileSync(file));
    const memory = new WebAssembly.Memory({ initial: BASE / PAGE + 64, maximum: MAX_PAGES, shared: true });
    const kernels = new WebAssembly.Instance(module, { env: { memory, abort: () => undefined } }).exports as unknown as WasmExports;
    if (runtime !== null) runtime.pool?.stop();
    runtime = { module, memory, kernels, threads, pool: null };
    return { gemm: wasmGemm, elementwise: wasmElementwise(memory, kernels, BASE) };
  } catch (err) {
    return { reason: `the WebAssembly kernels did not load: ${(err as Error).message.split("\n")[0]}` };
  }
}

/** The runtime's pool, started if need be; null when the products must stay on this thread. */
function poolOf(r: Runtime): WorkerPool | null {
  if (r.pool !== null && r.pool.dead !== null) {
    // A worker errored, exited or fell silent: carry on without workers.
    r.pool.stop();
    r.pool = null;
    r.threads = 1;
  }
  if (r.pool === null && r.threads > 1) {
    try {
      r.pool = new WorkerPool(path.join(__dirname, "wasm_worker.js"), r.threads, WASM_JOB_FIELDS, { wasmModule: r.module, memory: r.memory });
    } catch {
      r.threads = 1;
    }
  }
  return r.pool;
}

/** The loaded backend's pool, started if need be; null on one thread or after a failure (tests inject faults into it). */
export function wasmWorkerPool(): WorkerPool | null {
  return runtime === null ? null : poolOf(runtime);
}

/** Same contract as cblas_sgemm (row-major); float64 operands go to the TypeScript kernel. */
export function wasmGemm(
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
): void {
  const r = runtime;
  if (r === null || !(A instanceof Float32Array) || !(B instanceof Float32Array) || !(C instanceof Float32Array)) {
    return jsGemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  }
  if (m === 0 || n === 0) return;
  const aLength = Math.min(A.length, (transA ? k : m) * lda);
  const bLength = Math.min(B.length, (transB ? n : k) * ldb);
  const pool = m * n * k >= MIN_WORK ? poolOf(r) : null;
  const ranges = pool !== null ? splitRows(m, pool.threads, MR) : [[0, m] as [number, number]];
  // Layout: A, B, packed op(B), C (dense, n columns), one packing scratch per thread.
  const a = BASE;
  const b = a + align(aLength * 4);
  const packed = b + align(bLength * 4);
  const c = packed + align(k * Math.ceil(n / NR) * NR * 4);
  const scratch = c + align(m * n * 4);
  const scratchBytes = align(Math.max(1, k) * MR * 4);
  ensure(r.memory, scratch + ranges.length * scratchBytes);
  const F = new Float32Array(r.memory.buffer);
  F.set(A.subarray(0, aLength), a / 4);
  F.set(B.subarray(0, bLength), b / 4);
  const loadC = (m0: number, m1: number): void => {
    for (let i = m0; i < m1; i++) F.set(C.subarray(i * ldc, i * ldc + n), c / 4 + i * n);
  };
  if (beta !== 0) loadC(0, m);
  r.kernels.packB(transB, k, n, b, ldb, packed);
  const scratchOf = (i: number): number => scratch + i * scratchBytes;
  const own = (): void => r.kernels.gemmRows(transA, ranges[0][0], ranges[0][1], n, k, alpha, beta, a, lda, packed, c, n, scratchOf(0));
  if (pool === null || ranges.length === 1) own();
  else {
    for (let i = 1; i < pool.threads; i++) {
      // Workers without a range this time get an empty one.
      const [m0, m1] = ranges[i] ?? [0, 0];
      pool.jobs.set([transA ? 1 : 0, m0, m1, n, k, alpha, beta, a, lda, packed, c, n, scratchOf(i)], (i - 1) * WASM_JOB_FIELDS);
    }
    for (const i of pool.run(own)) {
      // The worker failed: its rows are computed here, from the caller's C.
      if (ranges[i] === undefined) continue;
      if (beta !== 0) loadC(ranges[i][0], ranges[i][1]);
      r.kernels.gemmRows(transA, ranges[i][0], ranges[i][1], n, k, alpha, beta, a, lda, packed, c, n, scratchOf(0));
    }
  }
  for (let i = 0; i < m; i++) C.set(F.subarray(c / 4 + i * n, c / 4 + (i + 1) * n), i * ldc);
}
