// The tables npm run bench prints: matmul GFLOP/s, the autoencoder epoch and UMAP, each with
// its ratios to the reference measured in the same run and the targets.
import { ROUNDS, SECONDS_PER_SHAPE, TARGETS, UMAP_ROUNDS } from "./settings.mjs";

export const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? "n/a" : v.toFixed(digits));
const pad = (s, n) => String(s).padEnd(n);
const padLeft = (s, n) => String(s).padStart(n);

export function printUmap(u) {
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

export function printMatmul(rows, condition) {
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

export function printAutoencoder(ae, condition) {
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
