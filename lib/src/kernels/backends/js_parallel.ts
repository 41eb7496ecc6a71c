// Runs the TypeScript gemm on two threads: this one computes the top rows of C while a
// worker thread computes the bottom rows. Each row of C is computed exactly as the
// one-thread jsGemm would, so results do not depend on the split. Only large products
// are split (below ~1M multiply-adds, handing work over costs more than it saves).
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import type { FloatArray } from "../../tensor";
import { jsGemm } from "./js_gemm";

const MIN_WORK = 1 << 20; // m·n·k below this stays on one thread
const WAIT_MS = 60_000; // a worker silent this long is presumed dead; its rows are done here

/** What the worker needs for its rows: op(A) rows as a (rows × k) or, transposed, (k × rows) block. */
export interface GemmJob {
  id: number;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  float64: boolean;
  a: SharedArrayBuffer;
  b: SharedArrayBuffer;
  c: SharedArrayBuffer;
  done: SharedArrayBuffer;
}

let worker: Worker | null = null;
let workerBroken = false;
let nextId = 1;
const done = new Int32Array(new SharedArrayBuffer(4));
const shared = { a: new SharedArrayBuffer(0), b: new SharedArrayBuffer(0), c: new SharedArrayBuffer(0) };

function sharedOf(name: "a" | "b" | "c", bytes: number): SharedArrayBuffer {
  if (shared[name].byteLength < bytes) shared[name] = new SharedArrayBuffer(Math.max(bytes, 2 * shared[name].byteLength));
  return shared[name];
}

function getWorker(): Worker | null {
  if (workerBroken || os.cpus().length < 2) return null;
  if (worker === null) {
    try {
      worker = new Worker(path.join(__dirname, "js_worker.js"));
      worker.unref(); // never keeps the process alive
      worker.on("error", () => (workerBroken = true));
    } catch {
      workerBroken = true;
      return null;
    }
  }
  return worker;
}

function view(buffer: SharedArrayBuffer, float64: boolean, length: number): FloatArray {
  return float64 ? new Float64Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
}

/** Same contract as jsGemm; splits the rows of C between this thread and a worker. */
export function parallelJsGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  A: FloatArray, lda: number, B: FloatArray, ldb: number, beta: number, C: FloatArray, ldc: number,
): void {
  const helper = m >= 16 && m * n * k >= MIN_WORK ? getWorker() : null;
  if (helper === null) return jsGemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  const float64 = A instanceof Float64Array;
  const size = float64 ? 8 : 4;
  const top = Math.ceil(m / 8) * 4; // rows done here; a multiple of the 4-row micro-tile
  const rows = m - top;

  // The worker's inputs, copied into shared memory: its block of op(A), all of B, its rows of C.
  const aRows = transA ? k : rows;
  const aCols = transA ? rows : k;
  const a = view(sharedOf("a", aRows * aCols * size), float64, aRows * aCols);
  for (let r = 0; r < aRows; r++) {
    const from = transA ? r * lda + top : (top + r) * lda;
    a.set(A.subarray(from, from + aCols), r * aCols);
  }
  const bRows = transB ? n : k;
  const b = view(sharedOf("b", bRows * ldb * size), float64, bRows * ldb);
  b.set(B.subarray(0, Math.min(B.length, bRows * ldb)));
  const c = view(sharedOf("c", rows * n * size), float64, rows * n);
  if (beta !== 0) for (let r = 0; r < rows; r++) c.set(C.subarray((top + r) * ldc, (top + r) * ldc + n), r * n);

  const id = nextId++;
  Atomics.store(done, 0, 0);
  const job: GemmJob = { id, transA, transB, m: rows, n, k, alpha, beta, lda: aCols, ldb, float64, a: shared.a, b: shared.b, c: shared.c, done: done.buffer as SharedArrayBuffer };
  helper.postMessage(job);
  jsGemm(transA, transB, top, n, k, alpha, A, lda, B, ldb, beta, C, ldc);

  let finished = true;
  while (Atomics.load(done, 0) !== id) {
    if (Atomics.wait(done, 0, 0, WAIT_MS) === "timed-out" && Atomics.load(done, 0) !== id) {
      finished = false;
      break;
    }
  }
  if (!finished) {
    // The worker is gone: do its rows here and stop using it.
    workerBroken = true;
    void worker?.terminate();
    worker = null;
    const aHere = transA ? A.subarray(top) : A.subarray(top * lda);
    jsGemm(transA, transB, rows, n, k, alpha, aHere, lda, B, ldb, beta, C.subarray(top * ldc), ldc);
    return;
  }
  for (let r = 0; r < rows; r++) C.set(c.subarray(r * n, (r + 1) * n), (top + r) * ldc);
}
