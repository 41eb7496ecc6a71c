// A pool worker script that throws before it serves a job, for worker-faults.test.ts.
throw new Error("this worker script is broken");
