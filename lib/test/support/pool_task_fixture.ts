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

/** Refuses the first range (the main thread's) after 20 ms, so the workers have started theirs, which take 100 ms. */
export function refusesFirstRangeSlowly(_context: unknown, from: number, to: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, from === 0 ? 20 : 100);
  if (from === 0) throw new Error(`range [${from}, ${to}) refused`);
}

/** squares, after 50 ms. */
export function squaresSlowly(context: { out: SharedArrayBuffer; who: SharedArrayBuffer }, from: number, to: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  squares(context, from, to);
}
