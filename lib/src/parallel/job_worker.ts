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

const describe = (err: unknown) => ({ error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });

let run: ((job: unknown, report: (m: unknown) => void) => unknown) | null = null;
try {
  // NOTE: require, not import: the handler is named at run time.
  run = require(data.handler.module)[data.handler.name](data.context);
} catch (err) {
  post({ index: -1, ...describe(err) }); // the caller stops at once instead of waiting for a job
}
for (let at = Atomics.add(control, 0, 1); run !== null && at < data.order.length; at = Atomics.add(control, 0, 1)) {
  const index = data.order[at];
  Atomics.store(control, HELD, index);
  try {
    const result = run(data.jobs[index], (report) => post({ index, report }));
    post({ index, result });
    Atomics.store(control, HELD, -1);
  } catch (err) {
    Atomics.store(control, HELD, -1);
    post({ index, ...describe(err) });
    break;
  }
}
