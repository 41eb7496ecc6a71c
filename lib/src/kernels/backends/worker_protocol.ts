// What the backends' main threads and their pool workers (worker_pool.ts) agree on: the
// fields of each backend's job row, and the messages the TypeScript backend's workers read.

/** The wasm backend's job row: its rows [m0, m1) of C and the product (byte offsets into the shared memory). */
export const WASM_JOB = { transA: 0, m0: 1, m1: 2, n: 3, k: 4, alpha: 5, beta: 6, a: 7, lda: 8, packedB: 9, c: 10, ldc: 11, scratch: 12 } as const;
export const WASM_JOB_FIELDS = 13;

/** The TypeScript backend's job row: what it is, the worker's rows [m0, m1), and for a product its operands' layout. */
export const JS_JOB = { kind: 0, m0: 1, m1: 2, transA: 3, transB: 4, n: 5, k: 6, alpha: 7, beta: 8, lda: 9, ldb: 10, float64: 11 } as const;
export const JS_JOB_FIELDS = 12;
/** JS_JOB.kind: a matrix product, or the PoolTask last sent. */
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
