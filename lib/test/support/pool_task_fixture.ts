// Tasks for the worker pool's test (pool-task.test.ts): loaded by the pool's worker threads.
import { threadId } from "worker_threads";

/** out[i] = i², and who[i] = the thread that computed it. */
export function squares(context: { out: SharedArrayBuffer; who: SharedArrayBuffer }, from: number, to: number): void {
  const out = new Float64Array(context.out);
  const who = new Int32Array(context.who);
  for (let i = from; i < to; i++) {
    out[i] = i * i;
    who[i] = threadId;
  }
}

/** Refuses every range but the first: the main thread's runs, a worker's throws. */
export function refusesLaterRanges(_context: unknown, from: number, to: number): void {
  if (from > 0) throw new Error(`range [${from}, ${to}) refused`);
}
