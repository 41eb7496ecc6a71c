// The two matmul backends: the native BLAS addon and the TypeScript kernels must agree
// (within float32 rounding) on every shape and transpose, including degenerate ones;
// choosing and falling back between them is explained, never silent.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, Matrix, Rng, kernels } from "../src";
import { missing } from "./support/requirements";

const backends = kernels.availableBackends();

test("the native backend is available where CI requires it", (t) => {
  if (process.env.NNFS_REQUIRE_BLAS !== "1") return t.skip("NNFS_REQUIRE_BLAS is not set");
  assert.ok(backends.blas, `native BLAS backend not loaded: ${JSON.stringify(kernels.loadBlasAddon())}`);
});

function filled(length: number, rng: Rng, dtype: "float32" | "float64"): Float32Array | Float64Array {
  const a = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.normal();
  return a;
}

test("blas and js agree on random shapes, transposes, strides and beta", (t) => {
  const blas = backends.blas;
  if (!blas) return missing(t, "the native backend", JSON.stringify(kernels.loadBlasAddon()));
  agreeWithJs(blas);
});

test("wasm and js agree on random shapes, transposes, strides and beta", (t) => {
  const wasm = backends.wasm;
  if (!wasm) return missing(t, "the WebAssembly backend", JSON.stringify(kernels.loadWasm(2)));
  agreeWithJs(wasm);
});

/** The given gemm against the TypeScript one on degenerate and training shapes, every transpose, strided, beta 0, 1 and 0.5. */
function agreeWithJs(gemm: kernels.GemmFunction): void {
  const rng = new Rng(11);
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 1, 9],
    [7, 1, 1],
    [1, 13, 5],
    [3, 5, 7],
    [17, 31, 9],
    [129, 65, 257],
    [128, 256, 784],
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const beta of [0, 1, 0.5]) {
            // Leading dimensions larger than the rows, to exercise strided views.
            const lda = (transA ? m : k) + 3;
            const ldb = (transB ? k : n) + 2;
            const ldc = n + 1;
            const A = filled((transA ? k : m) * lda, rng, dtype);
            const B = filled((transB ? n : k) * ldb, rng, dtype);
            const C0 = filled(m * ldc, rng, dtype);
            const viaJs = C0.slice();
            const viaBlas = C0.slice();
            backends.js!(transA, transB, m, n, k, 1.5, A, lda, B, ldb, beta, viaJs, ldc);
            gemm(transA, transB, m, n, k, 1.5, A, lda, B, ldb, beta, viaBlas, ldc);
            const tol = dtype === "float32" ? 2e-5 * Math.sqrt(k) * 4 : 1e-12 * k;
            let worst = 0;
            for (let i = 0; i < viaJs.length; i++) worst = Math.max(worst, Math.abs(viaJs[i] - viaBlas[i]));
            assert.ok(worst <= tol, `${dtype} m=${m} n=${n} k=${k} tA=${transA} tB=${transB} beta=${beta}: max diff ${worst}`);
          }
        }
      }
    }
  }
}

test("every backend propagates NaN from its inputs", () => {
  for (const [name, gemm] of Object.entries(backends)) {
    const A = Float32Array.from([1, NaN, 0, 1]);
    const C = new Float32Array(4);
    gemm!(false, false, 2, 2, 2, 1, A, 2, Float32Array.from([1, 2, 3, 4]), 2, 0, C, 2);
    assert.ok(Number.isNaN(C[0]) && Number.isNaN(C[1]), `${name}: ${C}`);
    assert.deepEqual(Array.from(C.subarray(2)), [3, 4], name);
  }
});

test("every backend gives the reference product through matmul", () => {
  const rng = new Rng(3);
  const a = new Matrix(5, 4, "float64");
  const b = new Matrix(4, 3, "float64");
  a.data.forEach((_, i) => (a.data[i] = rng.normal()));
  b.data.forEach((_, i) => (b.data[i] = rng.normal()));
  const expected = Array.from({ length: 15 }, (_, idx) => {
    const i = Math.floor(idx / 3);
    const j = idx % 3;
    let s = 0;
    for (let p = 0; p < 4; p++) s += a.get(i, p) * b.get(p, j);
    return s;
  });
  const before = kernels.backendStatus().name;
  try {
    for (const name of Object.keys(backends) as kernels.BackendName[]) {
      assert.equal(kernels.useBackend(name).name, name);
      const c = kernels.matmul(a, b);
      c.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${name}[${i}]`));
    }
  } finally {
    kernels.useBackend(before);
  }
});

test("choosing a backend: js on request, unknown names refused, fallback explained", () => {
  const before = kernels.backendStatus().name;
  try {
    const js = kernels.useBackend("js");
    assert.equal(js.name, "js");
    assert.match(kernels.describeBackend(), /^nnfs matmul backend: js \(pure TypeScript.*; native BLAS not used: NNFS_BACKEND=js\)$/);
    assert.throws(
      () => kernels.useBackend("gpu" as "js"),
      (e: unknown) => e instanceof ConfigError && /NNFS_BACKEND must be one of "auto", "blas", "wasm", "js" \(got "gpu"\)/.test(e.message),
    );
  } finally {
    kernels.useBackend(before);
  }
});

test("a broken or missing addon file gives a reason, not a crash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-addon-"));
  const broken = path.join(dir, "nnfs_blas.node");
  fs.writeFileSync(broken, "this is not a shared library");
  const loaded = kernels.loadBlasAddon(broken);
  assert.ok("reason" in loaded && /^the addon did not load: /.test(loaded.reason), JSON.stringify(loaded));
  const missing = kernels.loadBlasAddon(path.join(dir, "absent.node"));
  assert.ok("reason" in missing && /not built/.test(missing.reason));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("matmul refuses an output that overlaps an input", () => {
  const buffer = new Float32Array(8);
  const a = new Matrix(2, 2, buffer.subarray(0, 4));
  const out = new Matrix(2, 2, buffer.subarray(2, 6));
  assert.throws(() => kernels.matmul(a, new Matrix(2, 2), out), /must not share memory with an input/);
});

/** Runs `fn` with the js backend and with `other`, and returns both results. */
test("the multi-thread TypeScript gemm is bit-identical to the one-thread one, for 2 and 3 threads", () => {
  const rng = new Rng(21);
  const saved = process.env.NNFS_THREADS;
  try {
    for (const threads of ["2", "3"]) {
      process.env.NNFS_THREADS = threads;
      for (const [transA, transB, m, n, k] of [
        [false, false, 130, 70, 200],
        [true, false, 96, 257, 64],
        [false, true, 41, 300, 129],
      ] as const) {
        const A = filled(m * k, rng, "float32");
        const B = filled(k * n, rng, "float32");
        const C0 = filled(m * n, rng, "float32");
        const one = C0.slice();
        const many = C0.slice();
        kernels.jsGemm(transA, transB, m, n, k, 0.5, A, transA ? m : k, B, transB ? k : n, 1, one, n);
        kernels.parallelJsGemm(transA, transB, m, n, k, 0.5, A, transA ? m : k, B, transB ? k : n, 1, many, n);
        assert.deepEqual(many, one, `${threads} threads, m=${m} n=${n} k=${k} tA=${transA} tB=${transB}`);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.NNFS_THREADS;
    else process.env.NNFS_THREADS = saved;
  }
});
