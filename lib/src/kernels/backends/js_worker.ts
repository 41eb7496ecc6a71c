// A worker thread of js_parallel.ts, served by the pool (worker_pool.ts): for each job it
// computes its rows of C with the one-thread TypeScript gemm on the shared copies of A, B
// and C, or runs its range of the PoolTask last sent. New shared buffers and tasks arrive
// as messages, read when a job wakes it.
import { workerData } from "worker_threads";
import { jsGemm } from "./js_gemm";
import { PoolWorkerData, receivePending, serveJobs } from "./worker_pool";
import { JS_JOB, JS_KIND, PoolTask, SharedOperands } from "./worker_protocol";
import { taskFunction } from "./js_parallel";

let shared: SharedOperands | null = null;
let task: PoolTask | null = null;

serveJobs(workerData as PoolWorkerData, () => (job) => {
  receivePending((message) => {
    if (typeof message === "object" && message !== null && "module" in message) task = message as PoolTask;
    else shared = message as SharedOperands;
  });
  const m0 = job[JS_JOB.m0];
  const m1 = job[JS_JOB.m1];
  if (m1 <= m0) return;
  if (job[JS_JOB.kind] === JS_KIND.task) {
    if (task === null) throw new Error("no task was sent");
    return taskFunction(task)(task.context, m0, m1);
  }
  if (shared === null) throw new Error("no operands were sent");
  const transA = job[JS_JOB.transA] === 1;
  const transB = job[JS_JOB.transB] === 1;
  const [n, k, alpha, beta, lda, ldb] = [job[JS_JOB.n], job[JS_JOB.k], job[JS_JOB.alpha], job[JS_JOB.beta], job[JS_JOB.lda], job[JS_JOB.ldb]];
  const F = job[JS_JOB.float64] === 1 ? Float64Array : Float32Array;
  const a = new F(shared.a);
  const b = new F(shared.b);
  const c = new F(shared.c);
  // op(A)'s rows m0..m1: columns of A when transposed, rows otherwise (js_parallel.ts copies
  // A's rows from the first worker's on, at their own offsets).
  const aFrom = transA ? a.subarray(m0) : a.subarray(m0 * lda);
  jsGemm(transA, transB, m1 - m0, n, k, alpha, aFrom, lda, b, ldb, beta, c.subarray(m0 * n), n);
});
