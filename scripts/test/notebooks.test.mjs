// Headless execution of every lab notebook (quick profile) through the same runner as
// `npm run labs`, and proof that the runner fails loudly on a broken cell.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const RUNNER = path.join(ROOT, "scripts", "run_notebooks.py");

function jupyterPython() {
  const found = spawnSync("bash", ["-c", `source "${ROOT}/scripts/common.sh" && find_jupyter_python`], { encoding: "utf8" });
  assert.equal(found.status, 0, "no Python with nbclient/nbconvert: run bash scripts/setup.sh");
  return found.stdout.trim();
}

/** Runs the runner with artifacts in a scratch project root, so tests never touch the user's. */
function runNotebooks(args, scratch) {
  return spawnSync(jupyterPython(), [RUNNER, ...args], {
    encoding: "utf8",
    env: { ...process.env, NNFS_ROOT: scratch },
    timeout: 20 * 60 * 1000,
  });
}

function notebook(cells) {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" } },
    cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, execution_count: null, outputs: [], source })),
  });
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-nb-"));
// The quick run's artifacts, shared with the browser check of its reports below.
const quickRun = scratch();
process.on("exit", () => fs.rmSync(quickRun, { recursive: true, force: true }));

test("every notebook runs headless in the quick profile without a cell error", () => {
  const root = quickRun;
  const out = path.join(root, "reports");
  const result = runNotebooks(["--profile", "quick", "--out", out], root);
  assert.equal(result.status, 0, `runner failed:\n${result.stdout}\n${result.stderr}`);
  const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
  assert.ok(notebooks.length >= 1);
  for (const nb of notebooks) {
    const stem = nb.replace(/\.ipynb$/, "");
    assert.ok(fs.statSync(path.join(out, `${stem}.html`)).size > 0, `${stem}.html missing`);
    const executed = JSON.parse(fs.readFileSync(path.join(out, nb), "utf8"));
    const unexecuted = executed.cells.filter((c) => c.cell_type === "code" && c.execution_count === null);
    assert.equal(unexecuted.length, 0, `${nb}: ${unexecuted.length} code cells did not run`);
  }
  // Lab 1 saved its four learning-curve charts as offline pages; Lab 2A its curves too.
  for (const name of ["clf_curves_loss", "clf_curves_acc", "reg_curves_loss", "reg_curves_mse", "ae_fashion_loss"]) {
    const html = fs.readFileSync(path.join(root, "graphs_exp", `${name}.html`), "utf8");
    assert.match(html, /Plotly\.newPlot/, `${name}.html has no chart`);
  }
  // Lab 2A: results table, a real PNG, and two checkpoints that are safetensors files.
  const csv = fs.readFileSync(path.join(root, "outputs", "ae_grid_results.csv"), "utf8").trim().split("\n");
  assert.match(csv[0], /^run,encDims,decDims,latent,activation,batchNorm,lr,weightDecay,status,bestEpoch,epochsRun,bestValRecon,trainSeconds,note$/);
  assert.ok(csv.length >= 7, `${csv.length - 1} grid rows`);
  const png = fs.readFileSync(path.join(root, "graphs_exp", "ae_fashion_recon_grid.png"));
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  for (const name of ["ae_fashion_best", "ae_fashion_best_reg"]) {
    const ckpt = fs.readFileSync(path.join(root, "saved_models", `${name}.safetensors`));
    const header = JSON.parse(ckpt.subarray(8, 8 + Number(ckpt.readBigUInt64LE(0))).toString());
    assert.equal(header.__metadata__.format, "nnfs-autoencoder", name);
  }
  // Labs 2B-2D: real PNGs, and NPZ files that NumPy loads with the promised arrays.
  for (const name of ["ae_fashion_filters_l1", "ae_fashion_filters_l2_backproj", "ae_fashion_recon_compare"]) {
    assert.deepEqual([...fs.readFileSync(path.join(root, "graphs_exp", `${name}.png`)).subarray(0, 4)], [137, 80, 78, 71], name);
  }
  const npz = (name) => {
    const run = spawnSync("python3", [path.join(ROOT, "scripts", "test", "check_npz.py"), path.join(root, "outputs", name)], { encoding: "utf8", maxBuffer: 1 << 30 });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  for (const name of ["ae_fashion_test_processed.npz", "ae_fashion_test_processed_base.npz", "ae_fashion_test_processed_reg.npz"]) {
    const arrays = npz(name);
    const n = arrays.y.shape[0];
    assert.deepEqual(arrays.Z.dtype, "<f4", name);
    assert.deepEqual(arrays.Yhat.shape, [n, 784], name);
    assert.deepEqual(arrays.mse.shape, [n], name);
    assert.equal(arrays.y.dtype, "<i4", name);
    assert.deepEqual(arrays.dataset.values, ["fashion"], name);
    assert.ok(arrays.Yhat.values.every((v) => v >= 0 && v <= 1), `${name}: Yhat outside [0, 1]`);
  }
  const umap = npz("ae_fashion_umap.npz");
  assert.equal(umap.embedding.shape[1], 2);
});

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** Opens a report offline and returns the number of traces drawn per chart. */
async function drawnCharts(browser, report) {
  const page = await browser.newPage();
  const problems = [];
  const blocked = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith("file://")) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(`file://${report}`, { waitUntil: "load" });
  const drawn = page.waitForFunction(() => {
    const plots = [...document.querySelectorAll(".nnfs-plot")];
    return plots.length > 0 && plots.every((p) => p.querySelector("svg.main-svg"));
  }, null, { timeout: 30_000 });
  await drawn.catch((err) => assert.fail(`${path.basename(report)}: charts not drawn (${err.message}); page errors: ${problems.join(" | ") || "none"}`));
  const images = await page.$$eval("img", (els) => els.map((e) => e.complete && e.naturalWidth > 0));
  assert.ok(images.every(Boolean), `${path.basename(report)}: an image did not load`);
  assert.deepEqual(problems, [], path.basename(report));
  assert.deepEqual(blocked, [], `${path.basename(report)} asked for something over the network`);
  const traces = await page.$$eval(".nnfs-plot", (els) => els.map((e) => e.querySelectorAll("g.trace").length));
  await page.close();
  return { traces, images: images.length };
}

test("the reports draw all their charts and images in a browser, offline, without console errors", async (t) => {
  if (!fs.existsSync(CHROMIUM)) return t.skip(`no ${CHROMIUM} (apt-get install chromium)`);
  const reports = path.join(quickRun, "reports");
  assert.ok(fs.existsSync(path.join(reports, "01-lab1-mlp.html")), "the quick run above did not write the reports");
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    const lab1 = await drawnCharts(browser, path.join(reports, "01-lab1-mlp.html"));
    // Four learning curves (4 lines each), the decision regions (3 classes), the fitted curves (4).
    assert.equal(lab1.traces.length, 6, `Lab 1 charts drawn: ${lab1.traces.length}`);
    assert.ok(lab1.traces.every((n) => n >= 3), `traces per chart: ${lab1.traces}`);
    const lab2a = await drawnCharts(browser, path.join(reports, "02-ae-grid-search.html"));
    assert.deepEqual(lab2a.traces, [3], "Lab 2A: the learning curves with their best-epoch marker");
    assert.equal(lab2a.images, 1, "Lab 2A: the reconstruction grid");
    const lab2b = await drawnCharts(browser, path.join(reports, "03-ae-process-test.html"));
    assert.deepEqual(lab2b.traces.length, 2, "Lab 2B: MSE per class and the worst images");
    assert.equal(lab2b.images, 3, "Lab 2B: two filter grids and the reconstructions");
    const lab2c = await drawnCharts(browser, path.join(reports, "04-ae-umap.html"));
    assert.deepEqual(lab2c.traces, [10], "Lab 2C: one scatter per class");
    const lab2d = await drawnCharts(browser, path.join(reports, "05-ae-compare.html"));
    assert.deepEqual(lab2d.traces, [10, 10, 2], "Lab 2D: two UMAPs and the box plots");
  } finally {
    await browser.close();
  }
});

test("the runner exits non-zero and prints the failing cell's stderr", () => {
  const root = scratch();
  const nb = path.join(root, "broken.ipynb");
  fs.writeFileSync(nb, notebook(['console.log("first cell ran");', 'throw new Error("deliberate failure in cell two");', 'console.log("never reached");']));
  const result = runNotebooks(["--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /FAILED: broken\.ipynb, cell 2/);
  assert.match(result.stderr, /Error: deliberate failure in cell two/);
  // The executed copy is still written, so the failure can be inspected.
  const executed = JSON.parse(fs.readFileSync(path.join(root, "reports", "broken.ipynb"), "utf8"));
  assert.match(JSON.stringify(executed.cells[0].outputs), /first cell ran/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("a TypeScript type error fails the run with the compiler's message", () => {
  const root = scratch();
  const nb = path.join(root, "typo.ipynb");
  fs.writeFileSync(nb, notebook(['const width: number = "64";']));
  const result = runNotebooks(["--no-html", "--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /Type 'string' is not assignable to type 'number'/);
  fs.rmSync(root, { recursive: true, force: true });
});
