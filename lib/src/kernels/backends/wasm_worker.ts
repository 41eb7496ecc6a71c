// A worker thread of the WebAssembly backend (wasm.ts), served by the pool (worker_pool.ts):
// it instantiates the same module on the same shared memory once, then computes its rows
// of C for each job.
import { workerData } from "worker_threads";
import type { WasmExports } from "./wasm";
import { PoolWorkerData, serveJobs } from "./worker_pool";
import { WASM_JOB } from "./worker_protocol";

// NOTE: not `module`, which would clash with CommonJS's own module variable.
const data = workerData as PoolWorkerData & { wasmModule: WebAssembly.Module; memory: WebAssembly.Memory };

serveJobs(data, () => {
  const kernels = new WebAssembly.Instance(data.wasmModule, { env: { memory: data.memory, abort: () => undefined } }).exports as unknown as WasmExports;
  return (job) => {
    const m0 = job[WASM_JOB.m0];
    const m1 = job[WASM_JOB.m1];
    if (m1 <= m0) return;
    const [n, k, alpha, beta, a, lda, packedB, c, ldc, scratch] = job.subarray(WASM_JOB.n);
    kernels.gemmRows(job[WASM_JOB.transA] === 1, m0, m1, n, k, alpha, beta, a, lda, packedB, c, ldc, scratch);
  };
});
