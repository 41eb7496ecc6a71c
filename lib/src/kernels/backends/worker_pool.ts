// The worker threads of the TypeScript and WebAssembly backends: one pool, one handshake,
// one error path, one fallback rule. The main thread writes one row of job fields per
// worker, posts a new sequence number, does its own share and waits until every worker
// counted itself done (spinning briefly, then Atomics.wait: microseconds, where a
// postMessage round trip took most of a small product). A worker whose job throws flags
// its row and still counts itself done; a worker silent for WAIT_MS is presumed dead.
// Either way the caller reruns that worker's rows on the main thread (run() returns them),
// so a result never depends on a worker's health. A pool whose worker errored, exited or
// fell silent is `dead`: its owner stops it and continues on the main thread.
import { Worker, parentPort, receiveMessageOnPort } from "worker_threads";

/** Loads of a shared slot before sleeping on it (~tens of microseconds). */
const SPIN = 20_000;
/** Workers silent this long are presumed dead. */
const WAIT_MS = 60_000;

// The control block (Int32): the job sequence number the workers wait on, the count of
// workers done, then two slots per worker: its last job threw, a fault to act out (tests).
const SEQ = 0;
const DONE = 1;
const HEADER = 2;
const STOP = -1; // a sequence value that tells the workers to exit
const failedSlot = (index: number): number => HEADER + 2 * (index - 1);
const faultSlot = (index: number): number => HEADER + 2 * (index - 1) + 1;

/** Faults a test can make a worker act out on its next job: throw, or exit mid-job. */
export const FAULT = { none: 0, throw: 1, exit: 2 } as const;
export type Fault = (typeof FAULT)[keyof typeof FAULT];

/** What every worker receives as workerData, plus the backend's own fields. */
export interface PoolWorkerData {
  control: SharedArrayBuffer;
  jobs: SharedArrayBuffer;
  /** 1..threads-1: the main thread is 0. */
  index: number;
  fields: number;
}

export class WorkerPool {
  /** Threads counting this one. */
  readonly threads: number;
  /** One row of `fields` job fields per worker (worker i reads row i - 1), written before run(). */
  readonly jobs: Float64Array;
  /** How long run() waits for a silent worker (tests shorten it). */
  waitMs = WAIT_MS;
  private readonly control: Int32Array;
  private readonly workers: Worker[];
  private failure: string | null = null;

  /**
   * Starts threads - 1 workers running `script` (which calls serveJobs); throws when they
   * cannot start. `extra` is added to each worker's workerData.
   */
  constructor(
    script: string,
    threads: number,
    readonly fields: number,
    extra: Record<string, unknown> = {},
  ) {
    this.threads = threads;
    this.control = new Int32Array(new SharedArrayBuffer((HEADER + 2 * Math.max(1, threads - 1)) * 4));
    this.jobs = new Float64Array(new SharedArrayBuffer(Math.max(1, threads - 1) * fields * 8));
    this.workers = [];
    try {
      for (let index = 1; index < threads; index++) {
        const workerData: PoolWorkerData = { control: this.control.buffer as SharedArrayBuffer, jobs: this.jobs.buffer as SharedArrayBuffer, index, fields };
        const w = new Worker(script, { workerData: { ...extra, ...workerData } });
        w.unref(); // never keeps the process alive
        w.on("error", (err) => (this.failure ??= `worker ${index} failed: ${err.message}`));
        w.on("exit", () => (this.failure ??= `worker ${index} exited`));
        this.workers.push(w);
      }
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  /** Why the pool must not be used any more (a worker errored, exited or fell silent), or null. */
  get dead(): string | null {
    return this.failure;
  }

  /** Sends `message` to every worker; they read it (receivePending) when the next job wakes them. */
  broadcast(message: unknown): void {
    for (const w of this.workers) w.postMessage(message);
  }

  /**
   * Runs the jobs written into `jobs`: wakes the workers, runs `own` here, waits for them.
   * Returns the workers (1..threads-1) whose rows the caller must compute here: those whose
   * job threw, or all of them when one fell silent (the pool is then dead and stopped).
   * An error thrown by `own` is rethrown once the workers are done.
   */
  run(own: () => void): number[] {
    for (let index = 1; index < this.threads; index++) Atomics.store(this.control, failedSlot(index), 0);
    Atomics.store(this.control, DONE, 0);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    let finished = false;
    try {
      own();
    } finally {
      finished = this.waitForWorkers();
      if (!finished) {
        this.failure ??= `a worker was silent for ${this.waitMs} ms`;
        this.stop();
      }
    }
    const all = Array.from({ length: this.threads - 1 }, (_, i) => i + 1);
    return finished ? all.filter((index) => Atomics.load(this.control, failedSlot(index)) !== 0) : all;
  }

  /** Tells the workers to exit and terminates them. */
  stop(): void {
    this.failure ??= "stopped";
    Atomics.store(this.control, SEQ, STOP);
    Atomics.notify(this.control, SEQ);
    for (const w of this.workers) void w.terminate();
  }

  /** Tests: makes worker `index` act out `fault` on its next job. */
  injectFault(index: number, fault: Fault): void {
    Atomics.store(this.control, faultSlot(index), fault);
  }

  private waitForWorkers(): boolean {
    const count = this.threads - 1;
    for (let spin = 0; spin < SPIN && Atomics.load(this.control, DONE) < count; spin++);
    for (;;) {
      const seen = Atomics.load(this.control, DONE);
      if (seen >= count) return true;
      if (Atomics.wait(this.control, DONE, seen, this.waitMs) === "timed-out" && Atomics.load(this.control, DONE) === seen) return false;
    }
  }
}

/**
 * A worker's side (call it from the pool's script): `setup` runs once and returns the job
 * runner, called with this worker's row of job fields for each posted job. An error in
 * either flags the job as failed (the main thread reruns its rows); after an error in a
 * job the worker carries on, after one in `setup` it exits.
 */
export function serveJobs(data: PoolWorkerData, setup: () => (job: Float64Array) => void): void {
  const control = new Int32Array(data.control);
  const job = new Float64Array(data.jobs, (data.index - 1) * data.fields * 8, data.fields);
  let runJob: ((job: Float64Array) => void) | null = null;
  let setupError: unknown = null;
  try {
    runJob = setup();
  } catch (err) {
    setupError = err;
  }
  let seen = 0;
  for (;;) {
    // Products come in bursts (several per training step): spin a little before sleeping.
    for (let spin = 0; spin < SPIN && Atomics.load(control, SEQ) === seen; spin++);
    Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    if (seen === STOP) break;
    try {
      const fault = Atomics.exchange(control, faultSlot(data.index), FAULT.none);
      if (fault === FAULT.exit) process.exit(1);
      if (fault === FAULT.throw) throw new Error("injected fault");
      if (runJob === null) throw setupError;
      runJob(job);
    } catch {
      Atomics.store(control, failedSlot(data.index), 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    // A worker that could not set up fails every job: exiting makes its pool dead.
    if (runJob === null) break;
  }
}

/** In a worker: hands each message the main thread sent since the last job to `handle`, in order. */
export function receivePending(handle: (message: unknown) => void): void {
  if (parentPort === null) return;
  for (let m = receiveMessageOnPort(parentPort); m; m = receiveMessageOnPort(parentPort)) handle(m.message);
}
