// runJobs (parallel/job_threads.ts): jobs on worker threads, results in the jobs' order, reports
// passed on, a job's error thrown here naming it, a dead worker's job run here.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { runJobs } from "../src/parallel/job_threads";
import type { TestJob } from "./support/job_handlers";

const handler = { module: path.join(__dirname, "support", "job_handlers.js"), name: "scaleJobs" };
const jobs: TestJob[] = Array.from({ length: 12 }, (_, i) => ({ value: i + 1 }));

test("runJobs returns every result in the jobs' order, from worker threads, and passes reports on", () => {
  const reports: string[] = [];
  const seen: number[] = [];
  const results = runJobs<TestJob, { value: number; onWorker: boolean }>({
    handler,
    context: { factor: 10 },
    jobs,
    threads: 2,
    cost: (job) => job.value,
    onReport: (i, m) => reports.push(`${i}:${m}`),
    onResult: (i) => seen.push(i),
  });
  assert.deepEqual(
    results.map((r) => r.value),
    jobs.map((j) => j.value * 10),
  );
  assert.ok(
    results.every((r) => r.onWorker),
    "ran on workers",
  );
  assert.deepEqual([...reports].sort(), jobs.map((j, i) => `${i}:started ${j.value}`).sort());
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    jobs.map((_, i) => i),
  );
  assert.ok(seen.indexOf(11) < seen.indexOf(0), `the costliest job is taken first (finished ${seen})`);
});

test("with one thread the jobs run here, in the order of their cost", () => {
  const order: number[] = [];
  const results = runJobs<TestJob, { value: number; onWorker: boolean }>({
    handler,
    context: { factor: 2 },
    jobs,
    threads: 1,
    cost: (j) => -j.value,
    onResult: (i) => order.push(i),
  });
  assert.deepEqual(
    results.map((r) => r.value),
    jobs.map((j) => j.value * 2),
  );
  assert.ok(results.every((r) => !r.onWorker));
  assert.deepEqual(
    order,
    jobs.map((_, i) => i),
  );
});

test("a job that throws on a worker stops runJobs with its error and which job it was", () => {
  const failing = jobs.map((j, i) => (i === 5 ? { ...j, fail: true } : j));
  assert.throws(() => runJobs({ handler, context: { factor: 1 }, jobs: failing, threads: 2 }), /job 6 failed in a worker thread: job with value 6 refused/);
});

test("the job of a worker thread that died runs here, and every result is still there", () => {
  const dying = jobs.map((j, i) => (i === 3 ? { ...j, exit: true } : j));
  const results = runJobs<TestJob, { value: number; onWorker: boolean }>({ handler, context: { factor: 3 }, jobs: dying, threads: 2, silentMs: 1500 });
  assert.deepEqual(
    results.map((r) => r.value),
    jobs.map((j) => j.value * 3),
  );
  assert.equal(results[3].onWorker, false, "the dead worker's job ran here");
});

test("a runner that cannot be made on a worker stops runJobs at once, with why", () => {
  const started = Date.now();
  assert.throws(
    () => runJobs({ handler: { ...handler, name: "refusingJobs" }, context: { refuse: true }, jobs, threads: 2 }),
    /a worker thread could not start: this context is refused/,
  );
  assert.ok(Date.now() - started < 20_000, "not after waiting for a silent worker");
});

test("runJobs names a handler that is not there", () => {
  assert.throws(() => runJobs({ handler: { ...handler, name: "nope" }, context: {}, jobs, threads: 1 }), /has no function "nope"/);
});
