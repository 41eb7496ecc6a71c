// A pool worker (worker_pool.ts) whose setup throws, for worker-faults.test.ts.
import { workerData } from "worker_threads";
import { PoolWorkerData, serveJobs } from "../../src/kernels/backends/worker_pool";

serveJobs(workerData as PoolWorkerData, () => {
  throw new Error("this worker cannot set up");
});
