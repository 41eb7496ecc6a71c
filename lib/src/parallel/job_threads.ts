// Independent jobs (whole training runs) on worker threads, side by side. OpenBLAS splits
// each product of one run over both cores, but a run's products are small (batches of 64 or
// 128 rows): the threads meet at a barrier many times per step, wait for each other, and the
// loops between products use one core. Two runs at once, each on its own thread with one
// BLAS thread, kept both cores busy (Lab 2E's classifier runs: 2 threads 0.76 s, one
// 0.54 s, two side by side 0.63 s for both, on the same epochs).
//
// The jobs are known in advance: each worker takes the next one from a shared counter, so no
// worker waits for another. This thread only waits, handing on the results and the reports
// the jobs make (progress lines, live charts), as they arrive.
//
// Results do not depend on which thread ran a job: every job runs with one BLAS thread (or
// the wasm/js kernels, whose results never depend on the threads), so they equal a
// sequential run under NNFS_THREADS=1, and come back in the jobs' order.
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from "worker_threads";
import * as path from "path";
import { backendStatus, holdBlasThreads } from "../kernels/backend";
import { threadCount } from "../kernels/threads";
import { ConfigError } from "../errors";
import type { JobHandler, JobReply, JobRunner, JobWorkerData } from "./job_protocol";

export type { JobHandler, JobRunner };

export interface JobOptions<J, R> {
  handler: JobHandler;
  /** Sent once to each worker (copied): the data every job reads. */
  context: unknown;
  jobs: readonly J[];
  /** Runs the costliest first when given (a long job started last would leave a core idle). */
  cost?: (job: J) => number;
  /** Each result, on this thread, as it arrives. */
  onResult?: (index: number, result: R) => void;
  /** Each report a job makes, on this thread. */
  onReport?: (index: number, message: unknown) => void;
  /** Threads to use; default NNFS_THREADS, else every core. 1 runs every job here, in order. */
  threads?: number;
  /** A worker silent this long while it holds a job is presumed dead (its job then runs here). */
  silentMs?: number;
}

/** A worker silent this long while holding a job is presumed dead. A run reports each epoch. */
const SILENT_MS = 10 * 60_000;

function loadRunner<J, R>(handler: JobHandler, context: unknown): JobRunner<J, R> {
  // NOTE: require, not import: the module is named at run time, as in the workers.
  const make: unknown = require(handler.module)[handler.name];
  if (typeof make !== "function") throw new ConfigError(`runJobs: ${handler.module} has no function ${JSON.stringify(handler.name)}`);
  return make(context) as JobRunner<J, R>;
}

/** Runs every job, on `threads` worker threads at once (or here when 1), and returns the results in the jobs' order. */
export function runJobs<J, R>(options: JobOptions<J, R>): R[] {
  const { jobs } = options;
  const threads = Math.min(options.threads ?? threadCount(), jobs.length);
  const results = new Array<R>(jobs.length);
  const order = jobs.map((_, i) => i);
  if (options.cost) {
    const cost = jobs.map(options.cost);
    order.sort((a, b) => cost[b] - cost[a] || a - b);
  }
  // One BLAS thread for every job, here as on the workers, so that no result depends on where it ran.
  const restore = holdBlasThreads(1);
  try {
    if (threads <= 1) {
      runHere(options, order, results);
      return results;
    }
    const pool = new JobWorkers(threads, options, order);
    try {
      pool.runAll((i, reply) => {
        if ("report" in reply) options.onReport?.(i, reply.report);
        else if ("result" in reply) {
          results[i] = reply.result as R;
          options.onResult?.(i, results[i]);
        }
      });
    } finally {
      pool.stop();
    }
    // Jobs whose worker died: here, one after the other.
    runHere(options, pool.orphans(), results);
    return results;
  } finally {
    restore();
  }
}

/** Runs the jobs at positions `indices` on this thread, in that order. */
function runHere<J, R>(options: JobOptions<J, R>, indices: number[], results: R[]): void {
  if (indices.length === 0) return;
  const run = loadRunner<J, R>(options.handler, options.context);
  for (const i of indices) {
    results[i] = run(options.jobs[i], (m) => options.onReport?.(i, m));
    options.onResult?.(i, results[i]);
  }
}

/** The workers of one runJobs call, the shared counter they take jobs from, and their replies. */
class JobWorkers {
  // control: [next job (position in order), replies posted]; then per worker the job it holds (-1: none).
  private readonly control: Int32Array;
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
  private readonly finished: boolean[];
  private readonly dead = new Set<number>();
  private readonly silentMs: number;

  constructor(
    threads: number,
    options: Pick<JobOptions<unknown, unknown>, "handler" | "context" | "jobs" | "silentMs">,
    private readonly order: number[],
  ) {
    this.silentMs = options.silentMs ?? SILENT_MS;
    this.control = new Int32Array(new SharedArrayBuffer((2 + threads) * 4));
    this.control.fill(-1, 2);
    this.finished = new Array<boolean>(order.length).fill(false);
    const backend = backendStatus().name;
    for (let w = 0; w < threads; w++) {
      const { port1, port2 } = new MessageChannel();
      const data: JobWorkerData = {
        handler: options.handler,
        context: options.context,
        jobs: options.jobs as unknown[],
        order,
        control: this.control.buffer as SharedArrayBuffer,
        slot: w,
        port: port2,
      };
      // One BLAS thread and no kernel threads per worker, on the backend this thread uses.
      const env = { ...process.env, NNFS_THREADS: "1", NNFS_BACKEND: backend };
      const worker = new Worker(path.join(__dirname, "job_worker.js"), { workerData: data, transferList: [port2], env });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** Waits for every job, handing each reply to `handle` as it arrives. */
  runAll(handle: (index: number, reply: JobReply) => void): void {
    let seen = 0;
    let quietSince = Date.now();
    while (this.dead.size < this.workers.length && this.finished.some((done, i) => !done && !this.isOrphan(i))) {
      const changed = Atomics.wait(this.control, 1, seen, 1000) !== "timed-out";
      seen = Atomics.load(this.control, 1);
      let got = false;
      for (const port of this.ports) {
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
          got = true;
          const reply = m.message as JobReply;
          if ("error" in reply) {
            const what = reply.index < 0 ? "a worker thread could not start" : `job ${reply.index + 1} failed in a worker thread`;
            const err = new Error(`${what}: ${reply.error}`);
            // This thread's message, then where it happened in the worker.
            if (reply.stack) err.stack = `Error: ${err.message}\n${reply.stack.split("\n").slice(1).join("\n")}`;
            throw err;
          }
          if (!("report" in reply)) this.finished[reply.index] = true;
          handle(reply.index, reply);
        }
      }
      if (got || changed) quietSince = Date.now();
      else if (Date.now() - quietSince > this.silentMs) this.presumeDead();
    }
  }

  /** Workers holding a job and silent past silentMs: stopped, their jobs left for the caller. */
  private presumeDead(): void {
    for (let w = 0; w < this.workers.length; w++) {
      if (Atomics.load(this.control, 2 + w) >= 0 && !this.dead.has(w)) {
        this.dead.add(w);
        void this.workers[w].terminate();
      }
    }
  }

  private isOrphan(index: number): boolean {
    return [...this.dead].some((w) => Atomics.load(this.control, 2 + w) === index);
  }

  /** Jobs never finished (held by a dead worker, or never taken when every worker died), costliest first. */
  orphans(): number[] {
    return this.order.filter((i) => !this.finished[i]);
  }

  stop(): void {
    // Past the last job: any worker still waiting for one exits.
    Atomics.store(this.control, 0, this.order.length);
    for (const port of this.ports) port.close();
    for (const w of this.workers) void w.terminate();
  }
}
