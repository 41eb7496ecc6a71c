// Runs the TypeScript gemm on every thread (NNFS_THREADS, or every core): the rows of C are
// split into ranges; this thread computes the first one in place while worker threads
// compute the others on copies of (their part of) A, B and C in shared memory. Each row of
// C is computed exactly as the one-thread jsGemm would, so results do not depend on the
// split. Only large products are split (below ~1M multiply-adds, handing work over costs
// more than it saves). The same workers also run other row-split work (PoolTask, e.g. the
// kNN label scan): runTask.
import * as path from "path";
import { Worker } from "worker_threads";
import type { FloatArray } from "../../tensor";
import { jsGemm } from "./js_gemm";
import { splitRows, threadCount } from "../threads";
import { JS_JOB, JS_KIND, PoolTask, SharedOperands, post, stopWorkers, waitFor } from "./worker_protocol";

const MIN_WORK = 1 << 20; // m·n·k below this stays on one thread

interface Pool {
  threads: number;
  workers: Worker[];
  control: Int32Array;
  job: Float64Array;
  shared: SharedOperands;
}

let pool: Pool | null = null;
let broken = false;

function getPool(threads: number): Pool | null {
  if (broken || threads < 2) return null;
  if (pool !== null && pool.threads === threads) return pool;
  if (pool !== null) stopPool(pool);
  try {
    const control = new Int32Array(new SharedArrayBuffer(8));
    const job = new Float64Array(new SharedArrayBuffer((JS_JOB.ranges + 2 * threads) * 8));
    const shared = { a: new SharedArrayBuffer(0), b: new SharedArrayBuffer(0), c: new SharedArrayBuffer(0) };
    const workers = Array.from({ length: threads - 1 }, (_, index) => {
      const w = new Worker(path.join(__dirname, "js_worker.js"), { workerData: { control: control.buffer, job: job.buffer, index: index + 1 } });
      w.unref(); // never keeps the process alive
      w.on("error", () => (broken = true));
      return w;
    });
    pool = { threads, workers, control, job, shared };
    return pool;
  } catch {
    broken = true;
    return null;
  }
}

function stopPool(p: Pool): void {
  stopWorkers(p.control, p.workers);
  pool = null;
}

/** `name`'s shared buffer, replaced (and re-sent to the workers) when it is too small. */
function sharedOf(p: Pool, name: keyof SharedOperands, bytes: number): SharedArrayBuffer {
  if (p.shared[name].byteLength < bytes) {
    p.shared[name] = new SharedArrayBuffer(Math.max(bytes, 2 * p.shared[name].byteLength));
    for (const w of p.workers) w.postMessage(p.shared);
  }
  return p.shared[name];
}

function view(buffer: SharedArrayBuffer, float64: boolean, length: number): FloatArray {
  return float64 ? new Float64Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
}

/** Same contract as jsGemm; splits the rows of C over this thread and the workers. */
export function parallelJsGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  A: FloatArray, lda: number, B: FloatArray, ldb: number, beta: number, C: FloatArray, ldc: number,
): void {
  const p = m >= 16 && m * n * k >= MIN_WORK ? getPool(threadCount()) : null;
  if (p === null) return jsGemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  const ranges = splitRows(m, p.threads, 4);
  const float64 = A instanceof Float64Array;
  const size = float64 ? 8 : 4;
  const top = ranges[0][1];
  // The workers' inputs: B, C's rows from `top` on as a dense (m × n) block, and the A they
  // read: its rows from `top` on (at their own offsets, rows [0, top) are left stale) or,
  // transposed, all of it (every row of A holds a column of each worker's op(A) rows).
  const aLength = Math.min(A.length, (transA ? k : m) * lda);
  const bLength = Math.min(B.length, (transB ? n : k) * ldb);
  const aFrom = transA ? 0 : Math.min(top * lda, aLength);
  view(sharedOf(p, "a", aLength * size), float64, aLength).set(A.subarray(aFrom, aLength), aFrom);
  view(sharedOf(p, "b", bLength * size), float64, bLength).set(B.subarray(0, bLength));
  const c = view(sharedOf(p, "c", m * n * size), float64, m * n);
  if (beta !== 0) for (let i = top; i < m; i++) c.set(C.subarray(i * ldc, i * ldc + n), i * n);
  p.job.set([transA ? 1 : 0, transB ? 1 : 0, n, k, alpha, beta, lda, ldb, float64 ? 1 : 0, JS_KIND.gemm, 0], 0);
  for (let t = 0; t < p.threads; t++) p.job.set(ranges[t] ?? [0, 0], JS_JOB.ranges + 2 * t);
  post(p.control);
  jsGemm(transA, transB, top, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  if (!waitFor(p.control, p.threads - 1)) {
    // A worker is gone: stop using them and do their rows here.
    broken = true;
    stopPool(p);
    const aRest = transA ? A.subarray(top) : A.subarray(top * lda);
    jsGemm(transA, transB, m - top, n, k, alpha, aRest, lda, B, ldb, beta, C.subarray(top * ldc), ldc);
    return;
  }
  for (let i = top; i < m; i++) C.set(c.subarray(i * n, (i + 1) * n), i * ldc);
}

/** The function a PoolTask names, loaded once per module (in this thread as in the workers). */
export function taskFunction(task: Pick<PoolTask, "module" | "name">): (context: unknown, from: number, to: number) => void {
  // NOTE: require, not import: the module is named at run time, and loaded the same way in the workers.
  const fn: unknown = require(task.module)[task.name];
  if (typeof fn !== "function") throw new TypeError(`pool task: ${task.module} has no function ${JSON.stringify(task.name)}`);
  return fn as (context: unknown, from: number, to: number) => void;
}

/**
 * Runs `task` over [0, count) split into one range per thread (`threads`, default every
 * thread), this thread taking the first; returns when all are done. Without workers (one
 * thread, or none could start) this thread runs all of it. A range whose worker threw or
 * died is run again here, so an error surfaces in this thread.
 */
export function runTask(task: PoolTask, count: number, threads = threadCount()): void {
  const run = taskFunction(task);
  const p = count > 1 ? getPool(threads) : null;
  if (p === null) return run(task.context, 0, count);
  const ranges = splitRows(count, p.threads, 1);
  for (const w of p.workers) w.postMessage(task);
  p.job.set([JS_KIND.task, 0], JS_JOB.kind);
  for (let t = 0; t < p.threads; t++) p.job.set(ranges[t] ?? [0, 0], JS_JOB.ranges + 2 * t);
  post(p.control);
  run(task.context, ranges[0][0], ranges[0][1]);
  const finished = waitFor(p.control, p.threads - 1);
  if (!finished) {
    broken = true;
    stopPool(p);
  }
  if (!finished || p.job[JS_JOB.failed] !== 0) for (const [from, to] of ranges.slice(1)) run(task.context, from, to);
}
