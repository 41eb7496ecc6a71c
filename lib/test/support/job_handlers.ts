// Job runners for the runJobs tests (parallel/job_threads.ts), loaded by name in worker threads.
import { isMainThread } from "worker_threads";
import type { JobRunner } from "../../src/parallel/job_threads";

export interface TestJob {
  value: number;
  /** Exit the worker thread instead of answering (on a worker only). */
  exit?: boolean;
  /** Throw instead of answering. */
  fail?: boolean;
}

/** Reports the job's value, then answers value × context.factor and whether it ran on a worker. */
export function scaleJobs(context: { factor: number }): JobRunner<TestJob, { value: number; onWorker: boolean }> {
  return (job, report) => {
    if (job.exit && !isMainThread) process.exit(3);
    if (job.fail) throw new RangeError(`job with value ${job.value} refused`);
    report(`started ${job.value}`);
    let spin = 0;
    for (let i = 0; i < 2e5; i++) spin += Math.sqrt(i); // a little work, so that both workers take jobs
    return { value: job.value * context.factor + (spin < 0 ? 1 : 0), onWorker: !isMainThread };
  };
}

/** A runner that cannot be made: its context is refused. */
export function refusingJobs(context: { refuse: boolean }): JobRunner<TestJob, number> {
  if (context.refuse) throw new TypeError("this context is refused");
  return (job) => job.value;
}
