// The one worker pool of the TypeScript and WebAssembly backends (worker_pool.ts) when a
// worker fails: a job that throws, or a worker that exits mid-job, has its rows computed on
// the main thread, and the product is bit-identical to the one-thread product.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { Rng, kernels } from "../src";
import { jsWorkerPool, parallelJsGemm, resetJsPool, runTask } from "../src/kernels/backends/js_parallel";
import { wasmWorkerPool } from "../src/kernels/backends/wasm";
import { FAULT, Fault, WorkerPool } from "../src/kernels/backends/worker_pool";
import type { GemmFunction } from "../src/kernels/backend";
import { missing } from "./support/requirements";

const THREADS = 3;
const FIXTURE = path.join(__dirname, "support", "pool_task_fixture.js");
/** How long the pool waits for a worker that exited (the default is a minute). */
const SHORT_WAIT_MS = 300;
const SHAPES = [
  [false, false, 128, 256, 784],
  [true, false, 130, 96, 256],
  [false, true, 129, 77, 512],
] as const;

/** The products of SHAPES on float32 (or float64) inputs from one seed, computed by `gemm`. */
function products(gemm: GemmFunction, float64 = false): Array<Float32Array | Float64Array> {
  const rng = new Rng(9);
  const random = (length: number): Float32Array | Float64Array => {
    const values = Array.from({ length }, () => rng.normal());
    return float64 ? Float64Array.from(values) : Float32Array.from(values);
  };
  return SHAPES.map(([transA, transB, m, n, k]) => {
    const A = random(m * k);
    const B = random(k * n);
    const C = random(m * n);
    gemm(transA, transB, m, n, k, 0.7, A, transA ? m : k, B, transB ? k : n, 0.3, C, n);
    return C;
  });
}

/** Runs `fn` with NNFS_THREADS set to `threads`. */
function withThreads<T>(threads: number, fn: () => T): T {
  const saved = process.env.NNFS_THREADS;
  process.env.NNFS_THREADS = String(threads);
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.NNFS_THREADS;
    else process.env.NNFS_THREADS = saved;
  }
}

/** `gemm`, with worker `index` of `pool` acting out `fault` on the first product's job. */
function faulty(pool: WorkerPool, index: number, fault: Fault, gemm: GemmFunction): GemmFunction {
  let first = true;
  return (...args) => {
    if (first) {
      // A short wait only where a worker will be silent: a slow healthy one must not time out.
      if (fault === FAULT.exit) pool.waitMs = SHORT_WAIT_MS;
      pool.injectFault(index, fault);
      first = false;
    }
    gemm(...args);
  };
}

test("js backend: a worker that throws or exits has its rows done here, bit-identically", () => {
  withThreads(THREADS, () => {
    for (const float64 of [false, true]) {
      const alone = withThreads(1, () => products(parallelJsGemm, float64));
      try {
        assert.deepEqual(products(parallelJsGemm, float64), alone, "healthy workers");
        for (const index of [1, THREADS - 1]) {
          const pool = jsWorkerPool(THREADS);
          assert.ok(pool !== null, "the js pool started");
          assert.deepEqual(products(faulty(pool, index, FAULT.throw, parallelJsGemm), float64), alone, `worker ${index} threw`);
          assert.equal(pool.dead, null, "a job that throws leaves the worker in service");
          assert.deepEqual(products(faulty(pool, index, FAULT.exit, parallelJsGemm), float64), alone, `worker ${index} exited`);
          assert.match(pool.dead ?? "", /silent|exited/);
          assert.equal(jsWorkerPool(THREADS), null, "after a death the backend stays on this thread");
          assert.deepEqual(products(parallelJsGemm, float64), alone, "on this thread alone");
          resetJsPool();
        }
      } finally {
        resetJsPool();
      }
    }
  });
});

test("wasm backend: a worker that throws or exits has its rows done here, bit-identically", (t) => {
  try {
    const one = kernels.loadWasm(1);
    if ("reason" in one) return missing(t, "the WebAssembly backend", one.reason);
    const alone = products(one.gemm);
    for (const index of [1, THREADS - 1]) {
      const loaded = kernels.loadWasm(THREADS);
      assert.ok(!("reason" in loaded));
      assert.deepEqual(products(loaded.gemm), alone, "healthy workers");
      const pool = wasmWorkerPool();
      assert.ok(pool !== null && pool.threads === THREADS, "the wasm pool started");
      assert.deepEqual(products(faulty(pool, index, FAULT.throw, loaded.gemm)), alone, `worker ${index} threw`);
      assert.equal(pool.dead, null, "a job that throws leaves the worker in service");
      assert.deepEqual(products(faulty(pool, index, FAULT.exit, loaded.gemm)), alone, `worker ${index} exited`);
      assert.match(pool.dead ?? "", /silent|exited/);
      assert.equal(wasmWorkerPool(), null, "after a death the backend stays on this thread");
      assert.deepEqual(products(loaded.gemm), alone, "on this thread alone");
    }
  } finally {
    kernels.loadWasm(kernels.threadCount());
  }
});

test("a pool task whose worker exits mid-range is finished here", () => {
  try {
    for (const fault of [FAULT.throw, FAULT.exit]) {
      const pool = jsWorkerPool(THREADS);
      assert.ok(pool !== null);
      if (fault === FAULT.exit) pool.waitMs = SHORT_WAIT_MS;
      pool.injectFault(THREADS - 1, fault);
      const count = 301;
      const context = { out: new SharedArrayBuffer(count * 8), who: new SharedArrayBuffer(count * 4) };
      runTask({ module: FIXTURE, name: "squares", context }, count, THREADS);
      assert.deepEqual(
        Array.from(new Float64Array(context.out)),
        Array.from({ length: count }, (_, i) => i * i),
        `fault ${fault}`,
      );
      resetJsPool();
    }
  } finally {
    resetJsPool();
  }
});

test("a worker whose setup fails has its jobs done here, and its pool is dead", async () => {
  const pool = new WorkerPool(path.join(__dirname, "support", "worker_setup_fails.js"), 3, 1);
  try {
    let ran = 0;
    assert.deepEqual(
      pool.run(() => ran++),
      [1, 2],
      "both workers' rows come back to this thread",
    );
    assert.equal(ran, 1);
    for (let waited = 0; pool.dead === null && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(pool.dead ?? "", /worker \d exited/);
  } finally {
    pool.stop();
  }
});

test("a worker script that throws on load is recorded as the pool's failure, not a crash", async () => {
  const pool = new WorkerPool(path.join(__dirname, "support", "worker_throws_on_load.js"), 2, 1);
  try {
    for (let waited = 0; pool.dead === null && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(pool.dead ?? "", /worker 1 failed: this worker script is broken/);
  } finally {
    pool.stop();
  }
});
