// Headless execution of every lab notebook and every exercise answer key (quick profile)
// through the same runner as `npm run labs`, its reports in a browser, Lab 2C stepped
// through in JupyterLab on the same run's artifacts, and Lab 2A run again. The runner's
// parameters and failures: runner.test.mjs.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, cellText, missing, runNotebooks } from "./support.mjs";
import { checkLab2cHoverInJupyterLab } from "./lab2c_hover.mjs";

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-nb-"));
// What the runner runs by default: the labs, then the exercises' answer keys.
const ipynbIn = (...dir) =>
  fs
    .readdirSync(path.join(ROOT, ...dir))
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
const LABS = ipynbIn("notebooks");
const SOLVED_EXERCISES = ipynbIn("notebooks", "exercises", "solutions");
// The quick run's artifacts, shared with the browser check of its reports below.
const quickRun = scratch();
process.on("exit", () => fs.rmSync(quickRun, { recursive: true, force: true }));

test("every notebook runs headless in the quick profile without a cell error", () => {
  const root = quickRun;
  const out = path.join(root, "reports");
  const result = runNotebooks(["--profile", "quick", "--out", out], root);
  assert.equal(result.status, 0, `runner failed:\n${result.stdout}\n${result.stderr}`);
  assert.ok(LABS.length >= 1);
  assert.equal(SOLVED_EXERCISES.length, 9);
  for (const nb of [...LABS, ...SOLVED_EXERCISES]) {
    const stem = nb.replace(/\.ipynb$/, "");
    assert.ok(fs.statSync(path.join(out, `${stem}.html`)).size > 0, `${stem}.html missing`);
    const executed = JSON.parse(fs.readFileSync(path.join(out, nb), "utf8"));
    const unexecuted = executed.cells.filter((c) => c.cell_type === "code" && c.execution_count === null);
    assert.equal(unexecuted.length, 0, `${nb}: ${unexecuted.length} code cells did not run`);
  }
  // Lab 1 saved its six learning-curve charts as offline pages; Lab 2A its curves too.
  for (const name of ["clf_curves_loss", "clf_curves_acc", "opt_curves_acc", "opt_curves_loss", "reg_curves_loss", "reg_curves_mse", "ae_fashion_loss"]) {
    const html = fs.readFileSync(path.join(root, "graphs_exp", `${name}.html`), "utf8");
    assert.match(html, /Plotly\.newPlot/, `${name}.html has no chart`);
  }
  // Lab 2A: results table, a real PNG, and its four checkpoints as safetensors files (the dropout one with its rate).
  const csv = fs
    .readFileSync(path.join(root, "outputs", "ae_fashion_grid_results.csv"), "utf8")
    .trim()
    .split("\n");
  assert.match(
    csv[0],
    /^run,encDims,decDims,latent,activation,batchNorm,lr,weightDecay,dropout,status,bestEpoch,epochsRun,bestValRecon,worstSpike,stable,trainSeconds,note$/,
  );
  assert.ok(csv.length >= 7, `${csv.length - 1} grid rows`);
  assert.ok(
    csv.slice(1).some((line) => Number(line.split(",")[8]) > 0),
    "the grid has dropout runs",
  );
  const png = fs.readFileSync(path.join(root, "graphs_exp", "ae_fashion_recon_grid.png"));
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  for (const name of ["ae_fashion_best", "ae_fashion_best_reg", "ae_fashion_best_dropout", "ae_fashion_k32"]) {
    const ckpt = fs.readFileSync(path.join(root, "saved_models", `${name}.safetensors`));
    const header = JSON.parse(ckpt.subarray(8, 8 + Number(ckpt.readBigUInt64LE(0))).toString());
    assert.equal(header.__metadata__.format, "nnfs-autoencoder", name);
    const dropout = JSON.parse(header.__metadata__.config).dropout;
    assert.ok(name.endsWith("_dropout") ? dropout > 0 : dropout >= 0, `${name}: dropout ${dropout}`);
  }
  // Labs 2B-2D: real PNGs, and NPZ files that NumPy loads with the promised arrays.
  for (const name of ["ae_fashion_filters_l1", "ae_fashion_filters_l2_backproj", "ae_fashion_recon_compare"]) {
    assert.deepEqual([...fs.readFileSync(path.join(root, "graphs_exp", `${name}.png`)).subarray(0, 4)], [137, 80, 78, 71], name);
  }
  const npz = (name) => {
    const run = spawnSync(process.env.NNFS_PYTHON || "python3", [path.join(ROOT, "scripts", "test", "check_npz.py"), path.join(root, "outputs", name)], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  for (const name of [
    "ae_fashion_test_processed.npz",
    "ae_fashion_test_processed_base.npz",
    "ae_fashion_test_processed_reg.npz",
    "ae_fashion_test_processed_dropout.npz",
  ]) {
    const arrays = npz(name);
    const n = arrays.y.shape[0];
    assert.deepEqual(arrays.Z.dtype, "<f4", name);
    assert.deepEqual(arrays.Yhat.shape, [n, 784], name);
    assert.deepEqual(arrays.mse.shape, [n], name);
    assert.equal(arrays.y.dtype, "<i4", name);
    assert.deepEqual(arrays.dataset.values, ["fashion"], name);
    assert.ok(
      arrays.Yhat.values.every((v) => v >= 0 && v <= 1),
      `${name}: Yhat outside [0, 1]`,
    );
  }
  const umap = npz("ae_fashion_umap.npz");
  assert.equal(umap.embedding.shape[1], 2);
  // Lab 2E's charts and its long-format table: every features × classifier × labels × label noise × seed.
  for (const name of [
    "ft_val_acc_fashion_verbose",
    "ft_test_acc_fashion_verbose",
    "ft_codes_minus_raw_mlp_fashion",
    "ft_codes_minus_raw_5nn_fashion",
    "ft_noise_raw_minus_codes_loss_linear_fashion",
  ]) {
    assert.match(fs.readFileSync(path.join(root, "graphs_exp", `${name}.html`), "utf8"), /Plotly\.newPlot/, name);
  }
  const sweep = fs
    .readFileSync(path.join(root, "outputs", "raw_vs_latent.csv"), "utf8")
    .trim()
    .split("\n");
  assert.equal(sweep[0], "dataset,features,classifier,labels,label_noise,seed,test_accuracy");
  assert.ok(sweep.slice(1).every((line) => line.startsWith("fashion,")));
  const cells = new Set(sweep.slice(1).map((line) => line.split(",").slice(1, 6).join(",")));
  assert.equal(cells.size, sweep.length - 1, "no combination twice");
  const featureSets = new Set(sweep.slice(1).map((line) => line.split(",")[1])).size;
  assert.ok(featureSets >= 4, `raw pixels and at least three kinds of codes (${featureSets} feature sets)`);
  // Per feature set and seed (2): 1-NN and 5-NN at 3 budgets × 2 noise levels (0, 40 %); linear at 3 budgets clean and
  // at the 2 below all labels noisy; the MLP at 3 budgets, clean only (its noisy runs are in the full profile).
  assert.equal(cells.size, featureSets * 2 * (2 * 3 * 2 + (3 + 2) + 3), "quick profile: every combination the sweep runs");
});

test("the reports and the chart pages draw all their charts and images in a browser, offline, without console errors", async (t) => {
  const { CHROMIUM, checkReports } = await import("../check_reports.mjs");
  if (!fs.existsSync(CHROMIUM)) return missing(t, CHROMIUM, "apt-get install chromium");
  const reports = path.join(quickRun, "reports");
  const index = fs.readFileSync(path.join(reports, "index.html"), "utf8");
  const notebooks = [...LABS, ...SOLVED_EXERCISES];
  for (const nb of notebooks) assert.match(index, new RegExp(`<a href="${nb.replace(/\.ipynb$/, "")}\\.html">`), `index.html links ${nb}`);
  assert.match(index, /<th[^>]*>Exercises, solved \(the answer keys\)<\/th><\/tr>\n<tr><td><a href="E0-gradient-check\.html">/);
  assert.match(index, /profile <b>quick<\/b>/);
  assert.match(index, /nnfs matmul backend: /);
  const results = Object.fromEntries((await checkReports(reports)).map((r) => [path.basename(r.file, ".html"), r]));
  assert.deepEqual(Object.keys(results).sort(), notebooks.map((nb) => nb.replace(/\.ipynb$/, "")).sort());
  for (const r of Object.values(results)) {
    assert.deepEqual(r.problems, [], path.basename(r.file));
    assert.ok(fs.statSync(r.screenshot).size > 10_000, `${r.screenshot} is a real screenshot`);
  }
  // Charts and images each report must show.
  assert.equal(
    results["01-lab1-mlp"].charts,
    9,
    "Lab 1: the live curves, six learning-curve charts (classifiers, optimisers, regressors), decision regions, fitted curves",
  );
  assert.equal(results["02-ae-grid-search"].charts, 3, "Lab 2A: the live grid chart, the best run's curves, the L2 and dropout runs");
  assert.equal(results["02-ae-grid-search"].images, 1, "Lab 2A: the reconstruction grid");
  assert.equal(results["03-ae-process-test"].charts, 2, "Lab 2B: MSE per class and the worst images");
  assert.equal(results["03-ae-process-test"].images, 3, "Lab 2B: two filter grids and the reconstructions");
  assert.deepEqual(results["04-ae-umap"].traces, [10], "Lab 2C: one scatter per class");
  assert.equal(results["04-ae-umap"].hoverPanels, 1, "Lab 2C: the hovered point's image beside the map");
  assert.equal(results["05-ae-compare"].charts, 4, "Lab 2D: three UMAPs (base, L2, dropout) and the box plots");
  assert.equal(
    results["06-raw-vs-latent"].charts,
    11,
    "Lab 2E: live curves, test accuracy, two confusion matrices, four codes − raw charts, three label-noise charts (no MLP in the quick profile)",
  );
  assert.equal(
    results["E6-networks"].charts,
    6,
    "E6: learning curve and decision regions for the MLP and for the MLP with BatchNorm, learning curve and fit for the curve",
  );
  // The chart pages share one plotly.js beside them and still draw offline, the UMAP's hover images included.
  const graphs = path.join(quickRun, "graphs_exp");
  const pages = fs.readdirSync(graphs).filter((f) => f.endsWith(".html"));
  for (const page of pages)
    assert.match(fs.readFileSync(path.join(graphs, page), "utf8"), /<script type="text\/javascript" src="plotly\.min\.js"><\/script>/, page);
  assert.ok(fs.statSync(path.join(graphs, "plotly.min.js")).size > 1e6);
  const screenshots = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-pages-"));
  const charts = await checkReports(graphs, screenshots, { png: true });
  fs.rmSync(screenshots, { recursive: true, force: true });
  assert.deepEqual(charts.map((r) => path.basename(r.file)).sort(), pages.sort());
  for (const r of charts) {
    assert.deepEqual(r.problems, [], path.basename(r.file));
    assert.equal(r.charts, 1, path.basename(r.file));
    // Its PNG copy, saved in the same visit: a real PNG of the chart (884 × 560 px at the export size; the UMAP is narrower).
    const png = fs.readFileSync(r.png);
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], r.png);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width >= 600 && width <= 900 && height >= 400 && height <= 620, `${path.basename(r.png)}: ${width} × ${height}`);
  }
  assert.equal(charts.find((r) => r.file.endsWith("ae_fashion_umap.html")).hoverPanels, 1);
  const folderBytes = fs.readdirSync(graphs).reduce((sum, f) => sum + fs.statSync(path.join(graphs, f)).size, 0);
  assert.ok(folderBytes < 15e6, `graphs_exp holds ${(folderBytes / 1e6).toFixed(1)} MB`);
});

test("Lab 2C in JupyterLab, on the quick run's artifacts: hovering a point of the map shows its test image", { timeout: 240_000 }, (t) =>
  checkLab2cHoverInJupyterLab(t, quickRun),
);

test("run again, Lab 2A reuses its finished runs and writes the same table and checkpoints", () => {
  const root = quickRun;
  const read = (...parts) => fs.readFileSync(path.join(root, ...parts));
  const checkpoints = ["ae_fashion_best", "ae_fashion_best_reg", "ae_fashion_best_dropout", "ae_fashion_k32"].map((n) => `${n}.safetensors`);
  const before = [read("outputs", "ae_fashion_grid_results.csv"), ...checkpoints.map((n) => read("saved_models", n))];
  const out = path.join(root, "rerun");
  const result = runNotebooks(["--profile", "quick", "--out", out, path.join(ROOT, "notebooks", "02-ae-grid-search.ipynb")], root);
  assert.equal(result.status, 0, `runner failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(
    cellText(path.join(out, "02-ae-grid-search.ipynb")),
    /runs 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 reused \(finished in an earlier execution\); 0 trained now/,
  );
  const after = [read("outputs", "ae_fashion_grid_results.csv"), ...checkpoints.map((n) => read("saved_models", n))];
  after.forEach((bytes, i) => assert.ok(bytes.equals(before[i]), `${i === 0 ? "the results table" : checkpoints[i - 1]} changed`));
});
