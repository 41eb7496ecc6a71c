// A worker thread of runJobs (job_threads.ts): takes the next job from the shared counter,
// runs it with the handler's runner, posts its reports and result, until none is left.
import { workerData } from "worker_threads";
import type { JobReply, JobWorkerData } from "./job_protocol";

const data = workerData as JobWorkerData;
const control = new Int32Array(data.control);
const HELD = 2 + data.slot;

function post(reply: JobReply): void {
  data.port.postMessage(reply);
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}

// NOTE: require, not import: the handler is named at run time.
const run = require(data.handler.module)[data.handler.name](data.context) as (job: unknown, report: (m: unknown) => void) => unknown;
for (let at = Atomics.add(control, 0, 1); at < data.order.length; at = Atomics.add(control, 0, 1)) {
  const index = data.order[at];
  Atomics.store(control, HELD, index);
  try {
    const result = run(data.jobs[index], (report) => post({ index, report }));
    post({ index, result });
    Atomics.store(control, HELD, -1);
  } catch (err) {
    Atomics.store(control, HELD, -1);
    post({ index, error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
    break;
  }
}
