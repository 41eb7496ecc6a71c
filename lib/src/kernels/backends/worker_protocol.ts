// The shared-memory protocol between a backend (wasm.ts, js_parallel.ts) and its worker
// threads: a control block of two Int32 slots, the job sequence number the workers wait on
// and the count of workers done; the job itself is a Float64Array of fields.
export const SEQ = 0;
export const DONE = 1;
/** A sequence value that tells the workers to exit. */
export const STOP = -1;
/** The wasm backend's job, one row per worker: transA, m0, m1, n, k, alpha, beta, a, lda, packedB, c, ldc, scratch. */
export const JOB_FIELDS = 13;
/** Loads of a shared slot before sleeping on it (~tens of microseconds). */
export const SPIN = 20_000;
