// What runJobs (job_threads.ts) and its workers (job_worker.ts) exchange.
import type { MessagePort } from "worker_threads";

/**
 * Names the job runner: `module`'s export `name`, a function (context) => (job, report) => result.
 * Loaded by require() in each worker (and on the calling thread when the jobs run there).
 */
export interface JobHandler {
  module: string;
  name: string;
}

/** What a JobHandler's function returns for a context: runs one job, may report on the way. */
export type JobRunner<J, R> = (job: J, report: (message: unknown) => void) => R;

export interface JobWorkerData {
  handler: JobHandler;
  context: unknown;
  jobs: unknown[];
  /** Job indices in the order they are taken. */
  order: number[];
  /** Int32: [next position in `order`, replies posted, then the job index each worker holds (-1: none)]. */
  control: SharedArrayBuffer;
  /** This worker's slot in control. */
  slot: number;
  port: MessagePort;
}

/** A worker's message: a report made by a job, its result, or its error (index -1: the runner could not be made). */
export type JobReply = { index: number; report: unknown } | { index: number; result: unknown } | { index: number; error: string; stack?: string };
