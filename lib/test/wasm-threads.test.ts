// The WebAssembly backend and the thread count: results bit-identical for any number of
// threads, NNFS_THREADS checked, row ranges on tile boundaries, and a missing or broken
// module explained (the engine then falls back to the TypeScript kernels).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { Rng, kernels } from "../src";
import { tempDir } from "./support/temp";
import { missing } from "./support/requirements";

test("NNFS_THREADS: a positive integer, else every core", () => {
  assert.equal(kernels.threadCount({ NNFS_THREADS: "3" }), 3);
  assert.ok(kernels.threadCount({}) >= 1);
  for (const bad of ["0", "two", "1.5", "-2", "999"])
    assert.throws(() => kernels.threadCount({ NNFS_THREADS: bad }), /NNFS_THREADS must be an integer from 1 to 256/);
});

test("rows are split into ranges that start on tile boundaries and cover every row once", () => {
  assert.deepEqual(kernels.splitRows(128, 2, 4), [
    [0, 64],
    [64, 128],
  ]);
  assert.deepEqual(kernels.splitRows(10, 3, 4), [
    [0, 4],
    [4, 8],
    [8, 10],
  ]);
  assert.deepEqual(
    kernels.splitRows(5, 8, 4),
    [
      [0, 4],
      [4, 5],
    ],
    "no more ranges than tiles",
  );
  for (const [m, parts] of [
    [1, 4],
    [77, 3],
    [1000, 7],
  ]) {
    const ranges = kernels.splitRows(m, parts, 4);
    assert.equal(ranges[0][0], 0);
    assert.equal(ranges[ranges.length - 1][1], m);
    ranges.forEach(([a, b], i) => {
      assert.ok(b > a && a % 4 === 0, `${m}/${parts}: ${ranges}`);
      if (i > 0) assert.equal(a, ranges[i - 1][1]);
    });
  }
});

test("the wasm gemm gives bit-identical results on 1, 2 and 3 threads", (t) => {
  const results: Float32Array[][] = [];
  try {
    for (const threads of [1, 2, 3]) {
      const loaded = kernels.loadWasm(threads);
      if ("reason" in loaded) return missing(t, "the WebAssembly backend", loaded.reason);
      const rng = new Rng(4); // the same inputs for every thread count
      const out: Float32Array[] = [];
      for (const [transA, transB, m, n, k] of [
        [false, false, 128, 256, 784],
        [true, false, 784, 256, 128],
        [false, true, 129, 77, 256],
      ] as const) {
        const A = Float32Array.from({ length: m * k }, () => rng.normal());
        const B = Float32Array.from({ length: k * n }, () => rng.normal());
        const C = Float32Array.from({ length: m * n }, () => rng.normal());
        loaded.gemm(transA, transB, m, n, k, 0.7, A, transA ? m : k, B, transB ? k : n, 0.3, C, n);
        out.push(C);
      }
      results.push(out);
    }
  } finally {
    kernels.loadWasm(kernels.threadCount());
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});

test("a missing or broken wasm module gives a reason, not a crash", () => {
  const dir = tempDir("nnfs-wasm-");
  const absent = kernels.loadWasm(2, path.join(dir, "gemm.wasm"));
  assert.ok("reason" in absent && /not built/.test(absent.reason));
  const broken = path.join(dir, "broken.wasm");
  fs.writeFileSync(broken, "not WebAssembly");
  const loaded = kernels.loadWasm(2, broken);
  assert.ok("reason" in loaded && /^the WebAssembly kernels did not load: /.test(loaded.reason), JSON.stringify(loaded));
  kernels.loadWasm(kernels.threadCount());
});

test("auto picks blas, else wasm, else js, and says why it fell back", (t) => {
  const wasm = kernels.loadWasm(kernels.threadCount());
  if ("reason" in wasm) return missing(t, "the WebAssembly backend", wasm.reason);
  const noAddon = { reason: "the addon is not built (bash scripts/build-native.sh)" };
  const noWasm = { reason: "the WebAssembly kernels are not built (bash scripts/build-wasm.sh)" };
  const onWasm = kernels.chooseBackend("auto", { blas: () => noAddon, wasm: () => wasm });
  assert.equal(onWasm.name, "wasm");
  assert.equal(onWasm.fallbackReason, noAddon.reason);
  const onJs = kernels.chooseBackend("auto", { blas: () => noAddon, wasm: () => noWasm });
  assert.equal(onJs.name, "js");
  assert.equal(onJs.fallbackReason, `${noAddon.reason}; WebAssembly: ${noWasm.reason}`);
  assert.equal(kernels.chooseBackend("wasm", { blas: () => noAddon, wasm: () => noWasm }).name, "js");
});
