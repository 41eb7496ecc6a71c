// A worker thread of js_parallel.ts: sleeps in Atomics.wait until a product is posted (a new
// sequence number), computes its rows of C with the one-thread TypeScript gemm on the shared
// copies of A, B and C, and counts itself done. New shared buffers arrive as messages,
// read synchronously when it wakes, and so do tasks (JS_KIND.task: a function run on this
// worker's range; an error is flagged for the main thread, which runs the range again).
import { parentPort, receiveMessageOnPort, workerData } from "worker_threads";
import { jsGemm } from "./js_gemm";
import { JS_JOB, JS_KIND, PoolTask, SharedOperands, serve } from "./worker_protocol";
import { taskFunction } from "./js_parallel";

const { control, job: jobBuffer, index } = workerData as { control: SharedArrayBuffer; job: SharedArrayBuffer; index: number };
const job = new Float64Array(jobBuffer);
let shared: SharedOperands | null = null;
let task: PoolTask | null = null;

serve(new Int32Array(control), () => {
  for (let m = parentPort && receiveMessageOnPort(parentPort); m; m = parentPort && receiveMessageOnPort(parentPort)) {
    if ("module" in m.message) task = m.message as PoolTask;
    else shared = m.message as SharedOperands;
  }
  const m0 = job[JS_JOB.ranges + 2 * index];
  const m1 = job[JS_JOB.ranges + 2 * index + 1];
  if (job[JS_JOB.kind] === JS_KIND.task) {
    try {
      if (m1 > m0 && task !== null) taskFunction(task)(task.context, m0, m1);
    } catch {
      job[JS_JOB.failed] = 1;
    }
  } else if (m1 > m0 && shared !== null) {
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
  }
});
