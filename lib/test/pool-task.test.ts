// The TypeScript kernels' worker pool running other work than products (runTask): every index
// done once, by more than one thread, whatever the thread count; a worker's error surfaces here.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { runTask } from "../src/kernels/backends/js_parallel";

const FIXTURE = path.join(__dirname, "support", "pool_task_fixture.js");

test("a pool task covers [0, count) once, split over the threads", () => {
  for (const threads of [1, 2, 3]) {
    const count = 1001;
    const context = { out: new SharedArrayBuffer(count * 8), who: new SharedArrayBuffer(count * 4) };
    new Int32Array(context.who).fill(-1);
    runTask({ module: FIXTURE, name: "squares", context }, count, threads);
    assert.deepEqual(
      Array.from(new Float64Array(context.out)),
      Array.from({ length: count }, (_, i) => i * i),
      `${threads} threads`,
    );
    const who = new Set(new Int32Array(context.who));
    assert.equal(who.has(-1), false);
    assert.equal(who.size, threads, `${threads} threads computed it (thread ids ${[...who]})`);
  }
});

test("a task that throws in a worker throws here, and a missing task is named", () => {
  assert.throws(() => runTask({ module: FIXTURE, name: "refusesLaterRanges", context: null }, 100, 2), /range \[50, 100\) refused/);
  assert.throws(() => runTask({ module: FIXTURE, name: "nope", context: null }, 10, 2), /has no function "nope"/);
  // The pool still works afterwards.
  const context = { out: new SharedArrayBuffer(80), who: new SharedArrayBuffer(40) };
  runTask({ module: FIXTURE, name: "squares", context }, 10, 2);
  assert.equal(new Float64Array(context.out)[9], 81);
});

test("an error on this thread's range comes after the workers finished theirs", () => {
  const warm = { out: new SharedArrayBuffer(24), who: new SharedArrayBuffer(12) };
  runTask({ module: FIXTURE, name: "squares", context: warm }, 3, 3); // the workers are up and waiting
  assert.throws(() => runTask({ module: FIXTURE, name: "refusesFirstRangeSlowly", context: null }, 3, 3), /range \[0, 1\) refused/);
  // Had it not waited, the slow workers would count themselves done for this next task.
  const count = 30;
  const context = { out: new SharedArrayBuffer(count * 8), who: new SharedArrayBuffer(count * 4) };
  runTask({ module: FIXTURE, name: "squaresSlowly", context }, count, 3);
  assert.deepEqual(
    Array.from(new Float64Array(context.out)),
    Array.from({ length: count }, (_, i) => i * i),
  );
  assert.equal(new Set(new Int32Array(context.who)).size, 3, "the workers are still in service");
});
