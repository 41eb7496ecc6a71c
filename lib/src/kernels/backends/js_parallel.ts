// Runs the TypeScript gemm on every thread (NNFS_THREADS, or every core): the rows of C are
// split into ranges; this thread computes the first one in place while the pool's workers
// (worker_pool.ts) compute the others on copies of (their part of) A, B and C in shared
// memory. Each row of C is computed exactly as the one-thread jsGemm would, so results do
// not depend on the split, nor on which rows a failed worker left to this thread. Only large
// products are split (below ~1M multiply-adds, handing work over costs more than it saves).
// The same workers also run other row-split work (PoolTask, e.g. the kNN label scan): runTask.
import * as path from "path";
import type { FloatArray } from "../../tensor";
import { jsGemm } from "./js_gemm";
import { splitRows, threadCount } from "../threads";
import { WorkerPool } from "./worker_pool";
import { JS_JOB, JS_JOB_FIELDS, JS_KIND, PoolTask, SharedOperands } from "./worker_protocol";

const MIN_WORK = 1 << 20; // m·n·k below this stays on one thread

interface Pool {
  workers: WorkerPool;
  shared: SharedOperands;
}

let pool: Pool | null = null;
/** Set when workers could not start or one died: this backend then stays on this thread. */
let broken = false;

function getPool(threads: number): Pool | null {
  if (pool !== null && pool.workers.dead !== null) {
    // A worker errored, exited or fell silent: carry on without workers.
    broken = true;
    pool.workers.stop();
    pool = null;
  }
  if (broken || threads < 2) return null;
  if (pool !== null && pool.workers.threads === threads) return pool;
  pool?.workers.stop();
  try {
    const workers = new WorkerPool(path.join(__dirname, "js_worker.js"), threads, JS_JOB_FIELDS);
    pool = { workers, shared: { a: new SharedArrayBuffer(0), b: new SharedArrayBuffer(0), c: new SharedArrayBuffer(0) } };
    return pool;
  } catch {
    broken = true;
    pool = null;
    return null;
  }
}

/** This backend's pool for `threads` threads, started if need be; null on one thread or after a failure (tests inject faults into it). */
export function jsWorkerPool(threads = threadCount()): WorkerPool | null {
  return getPool(threads)?.workers ?? null;
}

/** Stops the workers and forgets a failure: the next parallel call starts new ones (tests). */
export function resetJsPool(): void {
  pool?.workers.stop();
  pool = null;
  broken = false;
}

/** `name`'s shared buffer, replaced (and re-sent to the workers) when it is too small. */
function sharedOf(p: Pool, name: keyof SharedOperands, bytes: number): SharedArrayBuffer {
  if (p.shared[name].byteLength < bytes) {
    p.shared[name] = new SharedArrayBuffer(Math.max(bytes, 2 * p.shared[name].byteLength));
    p.workers.broadcast(p.shared);
  }
  return p.shared[name];
}

function view(buffer: SharedArrayBuffer, float64: boolean, length: number): FloatArray {
  return float64 ? new Float64Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
}

/** Writes each worker's row range (empty for those without one) and what the job is. */
function writeRanges(p: Pool, ranges: Array<[number, number]>, kind: number): void {
  for (let t = 1; t < p.workers.threads; t++) {
    const [m0, m1] = ranges[t] ?? [0, 0];
    p.workers.jobs.set([kind, m0, m1], (t - 1) * JS_JOB_FIELDS);
  }
}

/** Same contract as jsGemm; splits the rows of C over this thread and the workers. */
export function parallelJsGemm(
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
  const p = m >= 16 && m * n * k >= MIN_WORK ? getPool(threadCount()) : null;
  if (p === null) return jsGemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  const ranges = splitRows(m, p.workers.threads, 4);
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
  writeRanges(p, ranges, JS_KIND.gemm);
  const product = [transA ? 1 : 0, transB ? 1 : 0, n, k, alpha, beta, lda, ldb, float64 ? 1 : 0];
  for (let t = 1; t < p.workers.threads; t++) p.workers.jobs.set(product, (t - 1) * JS_JOB_FIELDS + JS_JOB.transA);
  const rerun = new Set(p.workers.run(() => jsGemm(transA, transB, top, n, k, alpha, A, lda, B, ldb, beta, C, ldc)));
  for (let t = 1; t < ranges.length; t++) {
    const [m0, m1] = ranges[t];
    if (rerun.has(t)) {
      // The worker failed: its rows are computed here, from the caller's A and C.
      const aRows = transA ? A.subarray(m0) : A.subarray(m0 * lda);
      jsGemm(transA, transB, m1 - m0, n, k, alpha, aRows, lda, B, ldb, beta, C.subarray(m0 * ldc), ldc);
    } else {
      for (let i = m0; i < m1; i++) C.set(c.subarray(i * n, (i + 1) * n), i * ldc);
    }
  }
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
  const ranges = splitRows(count, p.workers.threads, 1);
  p.workers.broadcast(task);
  writeRanges(p, ranges, JS_KIND.task);
  const rerun = p.workers.run(() => run(task.context, ranges[0][0], ranges[0][1]));
  for (const t of rerun) if (ranges[t] !== undefined) run(task.context, ranges[t][0], ranges[t][1]);
}
