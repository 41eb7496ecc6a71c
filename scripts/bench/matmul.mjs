// Child of run.mjs: GFLOP/s of one matmul backend on the given shapes, as one JSON line.
// Usage: node matmul.mjs BACKEND SHAPES_JSON SECONDS_PER_SHAPE
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
const [backend, shapesJson, secondsArg] = process.argv.slice(2);
const status = nn.kernels.useBackend(backend);
const gemm = nn.kernels.availableBackends()[backend];
const rng = new nn.Rng(1);
const random = (n) => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);

const results = JSON.parse(shapesJson).map(({ name, transA, transB, m, n, k }) => {
  const A = random(m * k);
  const B = random(k * n);
  const C = new Float32Array(m * n);
  const call = () => gemm(transA, transB, m, n, k, 1, A, transA ? m : k, B, transB ? k : n, 0, C, n);
  for (let i = 0; i < 3; i++) call(); // warm-up: JIT, BLAS threads, caches
  let calls = 0;
  const started = process.hrtime.bigint();
  let seconds = 0;
  while (seconds < Number(secondsArg)) {
    call();
    calls++;
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  }
  return { name, gflops: (2 * m * n * k * calls) / seconds / 1e9 };
});
console.log(JSON.stringify({ backend: status.name, detail: status.detail, kernel: status.kernel?.core ?? null, results }));
