// A worker thread of the WebAssembly backend (wasm.ts): it instantiates the same module on the
// same shared memory, then sleeps in Atomics.wait until the main thread posts a product
// (a new sequence number), computes its rows of C, and counts itself done. Waking through
// shared memory takes microseconds; a postMessage round trip took most of a small product.
import { workerData } from "worker_threads";
import type { WasmExports } from "./wasm";
import { JOB_FIELDS, serve } from "./worker_protocol";

// NOTE: not `module`, which would clash with CommonJS's own module variable.
const { wasmModule, memory, control, jobs, index } = workerData as { wasmModule: WebAssembly.Module; memory: WebAssembly.Memory; control: SharedArrayBuffer; jobs: SharedArrayBuffer; index: number };
const kernels = new WebAssembly.Instance(wasmModule, { env: { memory, abort: () => undefined } }).exports as unknown as WasmExports;
const job = new Float64Array(jobs, index * JOB_FIELDS * 8, JOB_FIELDS);

serve(new Int32Array(control), () => {
  const [transA, m0, m1, n, k, alpha, beta, a, lda, packedB, c, ldc, scratch] = job;
  if (m1 > m0) kernels.gemmRows(transA === 1, m0, m1, n, k, alpha, beta, a, lda, packedB, c, ldc, scratch);
});
