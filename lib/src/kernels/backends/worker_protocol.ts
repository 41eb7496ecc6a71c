// The shared-memory protocol between a backend (wasm.ts, js_parallel.ts) and its worker
// threads: a control block of two Int32 slots, the job sequence number the workers wait on
// and the count of workers done; the job itself is a Float64Array of fields. Both sides of
// the handshake live here: post, waitFor and stopWorkers on the main thread, serve in a worker.
import type { Worker } from "worker_threads";

export const SEQ = 0;
export const DONE = 1;
/** A sequence value that tells the workers to exit. */
export const STOP = -1;
/** The wasm backend's job, one row per worker: transA, m0, m1, n, k, alpha, beta, a, lda, packedB, c, ldc, scratch. */
export const JOB_FIELDS = 13;
/** Loads of a shared slot before sleeping on it (~tens of microseconds). */
export const SPIN = 20_000;
/** Workers silent this long are presumed dead; their rows are done on the main thread. */
export const WAIT_MS = 60_000;

/**
 * The fields of a js_parallel.ts job (one Float64Array row each): the product, what the job
 * is (a product, or the task last sent), whether a worker's task threw, then each worker's rows.
 */
export const JS_JOB = { transA: 0, transB: 1, n: 2, k: 3, alpha: 4, beta: 5, lda: 6, ldb: 7, float64: 8, kind: 9, failed: 10, ranges: 11 } as const;
/** JS_JOB.kind: a matrix product, or a PoolTask. */
export const JS_KIND = { gemm: 0, task: 1 } as const;

/**
 * Work for every thread of js_parallel.ts over a split of [0, count): `module`'s export `name`,
 * called as fn(context, from, to). The context is sent to each worker (structured clone: share
 * large arrays as SharedArrayBuffers); fn must write its results into shared memory.
 */
export interface PoolTask {
  /** An absolute path a worker can require. */
  module: string;
  name: string;
  context: unknown;
}

/** Shared buffers a js_parallel.ts worker computes on; sent again whenever one is replaced by a larger one. */
export interface SharedOperands {
  a: SharedArrayBuffer;
  b: SharedArrayBuffer;
  c: SharedArrayBuffer;
}

/** Wakes the workers for the job just written: a new sequence number, no one done yet. */
export function post(control: Int32Array): void {
  Atomics.store(control, DONE, 0);
  Atomics.add(control, SEQ, 1);
  Atomics.notify(control, SEQ);
}

/** Waits until `count` workers reported done; false after WAIT_MS of silence. */
export function waitFor(control: Int32Array, count: number): boolean {
  for (let spin = 0; spin < SPIN && Atomics.load(control, DONE) < count; spin++);
  for (;;) {
    const seen = Atomics.load(control, DONE);
    if (seen >= count) return true;
    if (Atomics.wait(control, DONE, seen, WAIT_MS) === "timed-out" && Atomics.load(control, DONE) === seen) return false;
  }
}

/** Tells the workers to exit and terminates them. */
export function stopWorkers(control: Int32Array, workers: readonly Worker[] | null): void {
  Atomics.store(control, SEQ, STOP);
  Atomics.notify(control, SEQ);
  workers?.forEach((w) => void w.terminate());
}

/** A worker's loop: waits for each posted job, runs it, counts itself done; returns on STOP. */
export function serve(control: Int32Array, run: () => void): void {
  let seen = 0;
  for (;;) {
    // Products come in bursts (several per training step): spin a little before sleeping.
    for (let spin = 0; spin < SPIN && Atomics.load(control, SEQ) === seen; spin++);
    Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    if (seen === STOP) break;
    run();
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}
