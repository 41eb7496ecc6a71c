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
const nn = createRequire(import.meta.url)("nnfs");

// The three products of a training step of a 784→256 layer with a batch of 128.
const SHAPES = [
  { name: "X·W (128×784)·(784×256)", transA: false, transB: false, m: 128, n: 256, k: 784 },
  { name: "Xᵀ·dY (784×128)·(128×256)", transA: true, transB: false, m: 784, n: 256, k: 128 },
  { name: "dY·Wᵀ (128×256)·(256×784)", transA: false, transB: true, m: 128, n: 784, k: 256 },
];
const ROUNDS = 3;
const SECONDS_PER_SHAPE = 0.5;
const AE_ROWS = 60000;
const UMAP_ROUNDS = 2;
const TARGETS = {
  blasVsNumpy: 0.8,
  aeVsNumpy: 1.0,
  aeStretch: 0.8,
  wasmVsNumpy: 5,
  wasmStretch: 4,
  wasmGflops: 25,
  jsGflops: 4,
  peakRssMb: 1024,
  umapVsLearn: 1.0,
  umapStretch: 0.7,
  umapTrustGap: 0.005,
  umapPeakRssMb: 400,
};

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

const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? "n/a" : v.toFixed(digits));
const pad = (s, n) => String(s).padEnd(n);
const padLeft = (s, n) => String(s).padStart(n);

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

function printUmap(u) {
  console.log(`\nUMAP of ${u.points} points in ${u.dims}-D (15 neighbours, min_dist 0.1; best of ${UMAP_ROUNDS} interleaved rounds); input: ${u.input}`);
  const p = u.nnfs.phases;
  console.log(
    `  nnfs (umap-js 1.4.0, exact kNN): ${fmt(u.nnfs.seconds, 1)} s (neighbours ${fmt(p.neighbors, 1)}, graph ${fmt(p.graph, 1)}, ${u.nnfs.epochs} epochs ${fmt(p.layout, 1)}), peak RSS ${fmt(u.nnfs.peak_rss_mb, 0)} MB, trustworthiness ${fmt(u.nnfs.trustworthiness, 4)}, 5-NN accuracy ${fmt(u.nnfs.knn5_accuracy, 4)}`,
  );
  if (u.umap_learn) {
    const l = u.umap_learn;
    console.log(
      `  umap-learn ${l.version}: ${fmt(l.seconds, 1)} s warm (${fmt(l.first_seconds, 1)} s first call), peak RSS ${fmt(l.peak_rss_mb, 0)} MB, trustworthiness ${fmt(l.trustworthiness, 4)}, 5-NN accuracy ${fmt(l.knn5_accuracy, 4)}`,
    );
    console.log(
      `  ratio nnfs / umap-learn warm: ${fmt(u.ratio_to_umap_learn_warm, 2)}×; trustworthiness gap ${fmt(Math.abs(u.nnfs.trustworthiness - l.trustworthiness), 4)}  (targets ≤ ${TARGETS.umapVsLearn}×, stretch ≤ ${TARGETS.umapStretch}×; gap ≤ ${TARGETS.umapTrustGap}; RSS < ${TARGETS.umapPeakRssMb} MB)`,
    );
  } else {
    console.log("  umap-learn: not installed (bash scripts/setup.sh puts it in the project venv), so no ratio");
  }
}

function printMatmul(rows, condition) {
  const runners = Object.keys(rows[0].gflops);
  console.log(`\nMatmul, float32, GFLOP/s (best of ${ROUNDS} interleaved rounds of ${SECONDS_PER_SHAPE} s per shape); ${condition.title}`);
  console.log(
    pad("shape", 30) +
      runners.map((r) => padLeft(r, 9)).join("") +
      (rows[0].ratio_to_numpy
        ? runners
            .filter((r) => r !== "numpy")
            .map((r) => padLeft(`${r}/numpy`, 12))
            .join("")
        : ""),
  );
  for (const row of rows) {
    const ratios = row.ratio_to_numpy
      ? runners
          .filter((r) => r !== "numpy")
          .map((r) => padLeft(fmt(row.ratio_to_numpy[r], 2) + "×", 12))
          .join("")
      : "";
    console.log(pad(row.shape, 30) + runners.map((r) => padLeft(fmt(row.gflops[r]), 9)).join("") + ratios);
  }
  for (const [name, detail] of Object.entries(rows[0].details)) console.log(`  ${name}: ${detail}`);
  console.log(`  targets: blas ≥ ${TARGETS.blasVsNumpy}× NumPy; wasm ≥ ${TARGETS.wasmGflops} GFLOP/s; js ≥ ${TARGETS.jsGflops} GFLOP/s`);
}

function printAutoencoder(ae, condition) {
  console.log(`\nAutoencoder epoch (784-256-128-256-784, ${ae.rows} rows, batch ${ae.batch}; best of ${ROUNDS} interleaved rounds); ${condition.title}`);
  for (const backend of condition.backends) {
    const r = ae[backend];
    const ratio = ae.numpy ? `, ${fmt(ae.ratios_to_numpy[backend], 2)}× NumPy` : "";
    console.log(`  ${pad(backend, 5)} ${fmt(r.seconds, 2)} s${ratio}, peak RSS ${fmt(r.peak_rss_mb, 0)} MB  (${r.detail})`);
  }
  if (ae.numpy) {
    console.log(`  numpy ${fmt(ae.numpy.seconds, 2)} s, peak RSS ${fmt(ae.numpy.peak_rss_mb, 0)} MB  (${ae.numpy.detail ?? `NumPy ${ae.numpy.numpy}`})`);
    console.log(
      `  targets: the default backend ≤ ${TARGETS.aeVsNumpy}× NumPy (stretch ≤ ${TARGETS.aeStretch}×); wasm ≤ ${TARGETS.wasmVsNumpy}× (stretch ≤ ${TARGETS.wasmStretch}×); peak RSS < ${TARGETS.peakRssMb} MB`,
    );
  } else {
    console.log("  NumPy: not available (no python3 with numpy), so no ratio");
  }
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
