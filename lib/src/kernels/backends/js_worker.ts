// The worker thread of js_parallel.ts: computes the rows of C it is sent with the
// one-thread TypeScript gemm, then flags the job done in shared memory.
import { parentPort } from "worker_threads";
import { jsGemm } from "./js_gemm";
import type { GemmJob } from "./js_parallel";

parentPort?.on("message", (job: GemmJob) => {
  const F = job.float64 ? Float64Array : Float32Array;
  const aRows = job.transA ? job.k : job.m;
  const bRows = job.transB ? job.n : job.k;
  const a = new F(job.a, 0, aRows * job.lda);
  const b = new F(job.b, 0, bRows * job.ldb);
  const c = new F(job.c, 0, job.m * job.n);
  jsGemm(job.transA, job.transB, job.m, job.n, job.k, job.alpha, a, job.lda, b, job.ldb, job.beta, c, job.n);
  const done = new Int32Array(job.done);
  Atomics.store(done, 0, job.id);
  Atomics.notify(done, 0);
});
