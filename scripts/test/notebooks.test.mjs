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
  // Lab 1 saved its four learning-curve charts as offline pages.
  for (const name of ["clf_curves_loss", "clf_curves_acc", "reg_curves_loss", "reg_curves_mse"]) {
    const html = fs.readFileSync(path.join(root, "graphs_exp", `${name}.html`), "utf8");
    assert.match(html, /Plotly\.newPlot/, `${name}.html has no chart`);
  }
});

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

test("the Lab 1 report draws all its charts in a browser, offline, without console errors", async (t) => {
  if (!fs.existsSync(CHROMIUM)) return t.skip(`no ${CHROMIUM} (apt-get install chromium)`);
  const report = path.join(quickRun, "reports", "01-lab1-mlp.html");
  assert.ok(fs.existsSync(report), "the quick run above did not write the Lab 1 report");
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
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
    await drawn.catch((err) => assert.fail(`charts not drawn (${err.message}); page errors: ${problems.join(" | ") || "none"}`));
    const plots = await page.$$eval(".nnfs-plot", (els) => els.map((e) => e.querySelectorAll("g.trace").length));
    // Four learning curves (4 lines each), the decision regions (3 classes), the fitted curves (4).
    assert.equal(plots.length, 6, `charts drawn: ${plots.length}`);
    assert.ok(plots.every((traces) => traces >= 3), `traces per chart: ${plots}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(blocked, [], "the report asked for something over the network");
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
