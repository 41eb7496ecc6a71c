// npm run bench [-- matmul | ae | umap]: speed of the engine against NumPy (and of its
// UMAP against umap-learn), measured in the same run on the same machine. Every measurement runs in a child process; the runners take
// turns for several rounds and each keeps its best round, so a noisy neighbour slows
// everyone alike instead of deciding the ratio. The matmul and the autoencoder epoch run
// under two conditions: as the environment is, and with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE
// unset for both sides, so that our OpenBLAS and NumPy's each run their own best kernel
// (only blas and NumPy there: wasm and js do not read them). Prints tables and writes
// outputs/bench.json. Not a test: nothing here fails on a slow machine.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
import { AE_ROWS, ROUNDS, SECONDS_PER_SHAPE, SHAPES, TARGETS, UMAP_ROUNDS } from "./settings.mjs";
import { printAutoencoder, printMatmul, printUmap } from "./print.mjs";

const nn = createRequire(import.meta.url)("nnfs");

const mode = process.argv[2] ?? "all";
if (!["all", "matmul", "ae", "umap"].includes(mode)) {
  console.error(`usage: npm run bench [-- matmul | ae | umap] (got ${JSON.stringify(mode)})`);
  process.exit(2);
}

/** A Python that imports `module`: the project's (the venv's, NNFS_PYTHON), python3 on PATH, then the system one. */
function findPythonWith(module) {
  for (const candidate of [process.env.NNFS_PYTHON, "python3", "/usr/bin/python3"].filter(Boolean)) {
    const probe = spawnSync(candidate, ["-c", `import ${module}`], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function runJson(command, args, env = process.env) {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: ROOT, maxBuffer: 16 << 20, env });
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed:\n${result.stderr || result.stdout}`);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}

function cpuModel() {
  return os.cpus()[0]?.model?.trim() || "unknown CPU";
}

// The environment variables that pick OpenBLAS's kernel (ours and NumPy's alike).
const KERNEL_VARIABLES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

/** The two conditions each comparison runs under; `backends` are those whose speed the condition can change. */
function conditions(backends) {
  const set = KERNEL_VARIABLES.filter((v) => process.env[v] !== undefined).map((v) => `${v}=${process.env[v]}`);
  const ownKernel = { ...process.env };
  for (const v of KERNEL_VARIABLES) delete ownKernel[v];
  return [
    {
      key: "environment",
      title: `as the environment is (${set.length > 0 ? set.join(", ") : `${KERNEL_VARIABLES.join(" and ")} not set`})`,
      env: { ...process.env },
      backends,
    },
    {
      key: "own_kernel",
      title: `${KERNEL_VARIABLES.join(" and ")} unset for both sides: each library on its own best kernel`,
      env: ownKernel,
      backends: backends.filter((b) => b === "blas"),
    },
  ];
}

function benchMatmul(python, condition) {
  const runners = condition.backends.map((b) => [
    b,
    () => runJson("node", [path.join(HERE, "matmul.mjs"), b, JSON.stringify(SHAPES), String(SECONDS_PER_SHAPE)], condition.env),
  ]);
  if (python)
    runners.push(["numpy", () => runJson(python, [path.join(HERE, "matmul_numpy.py"), JSON.stringify(SHAPES), String(SECONDS_PER_SHAPE)], condition.env)]);
  const best = {}; // runner → shape name → best GFLOP/s
  const details = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of runners) {
      process.stderr.write(`matmul (${condition.key}) round ${round}/${ROUNDS}: ${name}\n`);
      const out = run();
      details[name] = out.detail;
      for (const r of out.results) best[name] = { ...best[name], [r.name]: Math.max(best[name]?.[r.name] ?? 0, r.gflops) };
    }
  }
  return SHAPES.map((s) => {
    const numpy = best.numpy?.[s.name];
    const row = { shape: s.name, gflops: {} };
    for (const [name] of runners) row.gflops[name] = best[name][s.name];
    if (numpy) {
      row.ratio_to_numpy = {};
      for (const [name] of runners) if (name !== "numpy") row.ratio_to_numpy[name] = best[name][s.name] / numpy;
    }
    return row;
  }).map((row) => ({ ...row, details }));
}

/** One epoch on the condition's backends and in NumPy, best of ROUNDS interleaved rounds each. */
function benchAutoencoder(python, condition) {
  const backends = condition.backends;
  const best = {};
  const keep = (name, r) =>
    (best[name] =
      best[name] === undefined || r.seconds < best[name].seconds
        ? { ...r, peak_rss_mb: Math.max(r.peak_rss_mb, best[name]?.peak_rss_mb ?? 0) }
        : { ...best[name], peak_rss_mb: Math.max(r.peak_rss_mb, best[name].peak_rss_mb) });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const backend of backends) {
      process.stderr.write(`autoencoder epoch (${condition.key}) round ${round}/${ROUNDS}: ${backend}\n`);
      keep(backend, runJson("node", [path.join(HERE, "ae.mjs"), String(AE_ROWS), "1"], { ...condition.env, NNFS_BACKEND: backend }));
    }
    if (python) keep("numpy", runJson(python, [path.join(HERE, "ae_numpy.py"), String(AE_ROWS), "1"], condition.env));
  }
  const numpy = best.numpy ?? null;
  const ratio = Object.fromEntries(backends.map((b) => [b, numpy ? best[b].seconds / numpy.seconds : null]));
  // "typescript" is the engine with its default backend, as earlier reports had it.
  const engine = best[nn.backendStatus().name] ?? null;
  return {
    condition: condition.title,
    rows: AE_ROWS,
    batch: 128,
    typescript: engine,
    ...Object.fromEntries(backends.map((b) => [b, best[b]])),
    numpy,
    ratio_to_numpy: numpy && engine ? engine.seconds / numpy.seconds : null,
    ratios_to_numpy: ratio,
  };
}

/**
 * The UMAP input: the 10,000 test codes of Lab 2B if they exist, else the test images
 * projected to 128-D by a seeded Gaussian random matrix (same input for both sides).
 */
function umapInput(dir) {
  const processed = path.join(ROOT, "outputs", "ae_fashion_test_processed.npz");
  const file = path.join(dir, "umap-input.npz");
  if (fs.existsSync(processed)) {
    const z = nn.loadProcessed(processed).Z;
    if (z.rows === 10000) {
      nn.io.saveNpz(file, { Z: z });
      return { file, source: `latent codes from ${path.relative(ROOT, processed)}` };
    }
  }
  const test = nn.loadImageDataset("fashion", "test");
  const rng = new nn.Rng(0);
  const projection = new nn.Matrix(784, 128);
  for (let i = 0; i < projection.data.length; i++) projection.data[i] = rng.normal() / Math.sqrt(784);
  nn.io.saveNpz(file, { Z: nn.kernels.matmul(test.x, projection) });
  return { file, source: "Fashion-MNIST test images × a seeded 784×128 Gaussian projection (run Lab 2B for real codes)" };
}

function benchUmap() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-bench-umap-"));
  const input = umapInput(dir);
  const z = nn.io.npzMatrix(nn.io.loadNpz(input.file), "Z", input.file);
  const labels = nn.loadImageDataset("fashion", "test").y;
  const score = (file) => {
    const embedding = nn.io.npzMatrix(nn.io.loadNpz(file), "embedding", file);
    return { trustworthiness: nn.trustworthiness(z, embedding, 15), knn5_accuracy: nn.knnAccuracy(embedding, labels, 5) };
  };
  const learnPython = findPythonWith("umap");
  // Interleaved rounds, best time of each side (the embeddings of a seeded run are the same every round).
  let ours = null;
  let learn = null;
  for (let round = 1; round <= UMAP_ROUNDS; round++) {
    process.stderr.write(`umap round ${round}/${UMAP_ROUNDS}: nnfs (umap-js)\n`);
    const o = runJson("node", [path.join(HERE, "umap.mjs"), input.file, path.join(dir, "ours.npz")]);
    ours =
      ours === null || o.seconds < ours.seconds
        ? { ...o, peak_rss_mb: Math.max(o.peak_rss_mb, ours?.peak_rss_mb ?? 0) }
        : { ...ours, peak_rss_mb: Math.max(o.peak_rss_mb, ours.peak_rss_mb) };
    if (learnPython) {
      process.stderr.write(`umap round ${round}/${UMAP_ROUNDS}: umap-learn (a cold and a warm fit)\n`);
      const l = runJson(learnPython, [path.join(HERE, "umap_learn.py"), input.file, path.join(dir, `learn${round}.npz`)]);
      if (learn === null || l.seconds < learn.seconds) learn = { ...l, file: path.join(dir, `learn${round}.npz`) };
    }
  }
  Object.assign(ours, score(path.join(dir, "ours.npz")));
  if (learn !== null) {
    Object.assign(learn, score(learn.file));
    delete learn.file;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    input: input.source,
    points: z.rows,
    dims: z.cols,
    nnfs: ours,
    umap_learn: learn,
    ratio_to_umap_learn_warm: learn ? ours.seconds / learn.seconds : null,
  };
}

function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

// Every backend that loads here, fastest first; NNFS_BENCH_BACKENDS=blas,wasm keeps some.
const only = process.env.NNFS_BENCH_BACKENDS ? process.env.NNFS_BENCH_BACKENDS.split(",") : null;
const BACKENDS = ["blas", "wasm", "js"].filter((b) => nn.kernels.availableBackends()[b] && (only === null || only.includes(b)));
const python = findPythonWith("numpy");
if (!python) console.error("NumPy not found (bash scripts/setup.sh puts it in the project venv): printing TypeScript figures only.");
const report = {
  date: new Date().toISOString(),
  cpu: cpuModel(),
  cores: os.cpus().length,
  node: process.version,
  active_backend: nn.backendStatus(),
  threads: { nnfs: nn.kernels.threadCount(), available: os.availableParallelism() },
  targets: TARGETS,
  load_average: os.loadavg(),
};
const CONDITIONS = conditions(BACKENDS);
report.conditions = Object.fromEntries(CONDITIONS.map((c) => [c.key, c.title]));
if (mode === "all" || mode === "matmul") {
  report.matmul = {};
  for (const condition of CONDITIONS) {
    report.matmul[condition.key] = benchMatmul(python, condition);
    printMatmul(report.matmul[condition.key], condition);
  }
}
if (mode === "all" || mode === "ae") {
  report.autoencoder = {};
  for (const condition of CONDITIONS) {
    report.autoencoder[condition.key] = benchAutoencoder(python, condition);
    printAutoencoder(report.autoencoder[condition.key], condition);
  }
}
if (mode === "all" || mode === "umap") {
  report.umap = benchUmap();
  printUmap(report.umap);
}
report.load_average_after = os.loadavg();
console.log(
  `\nCPU: ${report.cpu} (${report.cores} cores), Node ${report.node}; load average ${report.load_average.map((l) => l.toFixed(2)).join(" ")} before, ${report.load_average_after.map((l) => l.toFixed(2)).join(" ")} after; ${nn.describeBackend()}`,
);
const file = path.join(ROOT, "outputs", "bench.json");
// Keep the other part's figures when only one part was run.
const previous = mode === "all" || !fs.existsSync(file) ? {} : JSON.parse(fs.readFileSync(file, "utf8"));
writeAtomic(file, JSON.stringify({ ...previous, ...report }, null, 2) + "\n");
console.log(`written ${path.relative(ROOT, file)}`);
