// Step-through, the way most people use the labs: Debian's Jupyter Notebook server with
// the project's tslab kernel, a notebook opened in headless Chromium and run cell by cell
// through the page's own Jupyter API. Lab 1: every cell must succeed and the charts must
// draw inside the page. Exercise E1 (student version): its check fails saying what is not
// implemented, and passes once the answer key's code is typed into the cell. Runs on
// copies (the UI saves what it runs), in the quick profile, with artifacts in a scratch folder.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Jupyter did not answer at ${url} within ${seconds} s`);
}

/**
 * Starts Jupyter Notebook on a scratch folder holding `files` (name → source path) and a
 * link to node_modules, opens `open` in Chromium with the kernel connected and every
 * execute_reply status recorded in window.__replies, runs `use(page)`, then stops it all.
 */
async function inJupyter(t, files, open, use) {
  const jupyter = spawnSync("jupyter", ["notebook", "--version"], { encoding: "utf8" });
  if (jupyter.status !== 0) return t.skip("jupyter notebook is not installed (apt-get install jupyter-notebook)");
  if (!fs.existsSync(CHROMIUM)) return t.skip(`no ${CHROMIUM} (apt-get install chromium)`);

  // A scratch copy: the notebooks, and node_modules so their `import "nnfs"` resolves.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-ui-"));
  for (const [name, from] of Object.entries(files)) fs.copyFileSync(from, path.join(scratch, name));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
  const port = await freePort();
  const token = `nnfs-ui-test-${process.pid}`;
  const args = ["notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${token}`, `--notebook-dir=${scratch}`];
  if (process.getuid?.() === 0) args.push("--allow-root");
  const server = spawn("jupyter", args, {
    env: { ...process.env, JUPYTER_PATH: path.join(ROOT, ".jupyter"), NNFS_ROOT: scratch, LABS_PROFILE: "quick", PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let serverLog = "";
  server.stderr.on("data", (d) => (serverLog += d));
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  let browser = null;
  try {
    await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, 60);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.route("**/*", (route) => (route.request().url().startsWith(`http://127.0.0.1:${port}/`) ? route.continue() : route.abort()));
    await page.goto(`http://127.0.0.1:${port}/notebooks/${open}?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.() === true, null, { timeout: 60_000 });
    await page.evaluate(() => {
      window.__replies = [];
      const handle = window.IPython.CodeCell.prototype._handle_execute_reply;
      window.IPython.CodeCell.prototype._handle_execute_reply = function (msg) {
        window.__replies.push(msg.content.status);
        return handle.apply(this, arguments);
      };
    });
    await use(page);
  } catch (err) {
    err.message += `\nJupyter server log (tail):\n${serverLog.split("\n").slice(-15).join("\n")}`;
    throw err;
  } finally {
    await browser?.close();
    try {
      process.kill(-server.pid, "SIGTERM"); // the server and the kernels it started
    } catch {
      // already gone
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs one cell through the page and returns its reply status and the text of its output area. */
async function runCell(page, index) {
  const before = await page.evaluate(() => window.__replies.length);
  await page.evaluate((i) => Jupyter.notebook.execute_cells([i]), index);
  await page.waitForFunction((n) => window.__replies.length > n, before, { timeout: 120_000 });
  return page.evaluate((i) => ({ status: window.__replies[window.__replies.length - 1], text: Jupyter.notebook.get_cell(i).output_area.element.text() }), index);
}

test("Lab 1 runs cell by cell in Jupyter Notebook and draws its charts in the page", { timeout: 300_000 }, (t) =>
  inJupyter(t, { "01-lab1-mlp.ipynb": path.join(ROOT, "notebooks", "01-lab1-mlp.ipynb") }, "01-lab1-mlp.ipynb", async (page) => {
    const codeCells = await page.evaluate(() => {
      Jupyter.notebook.execute_all_cells();
      return Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").length;
    });
    await page.waitForFunction((n) => window.__replies.length >= n || window.__replies.some((s) => s !== "ok"), codeCells, { timeout: 240_000 });
    const replies = await page.evaluate(() => window.__replies);
    const stderr = await page.evaluate(() =>
      Jupyter.notebook.get_cells().flatMap((c, i) => (c.output_area?.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => `cell ${i + 1}: ${o.text}`)));
    assert.deepEqual(replies, Array(codeCells).fill("ok"), `cell replies; stderr: ${stderr.join("\n")}`);
    assert.deepEqual(stderr, []);
    await page.waitForFunction(() => document.querySelectorAll(".output_area .nnfs-plot svg.main-svg").length >= 6, null, { timeout: 60_000 });
    const charts = await page.$$eval(".output_area .nnfs-plot", (els) => els.map((e) => e.querySelectorAll("g.trace").length));
    assert.equal(charts.length, 6, "four learning curves, decision regions, fitted curves");
    assert.ok(charts.every((n) => n >= 3), `traces per chart: ${charts}`);
  }));

test("exercise E1 in Jupyter: the check explains what is missing, and passes once the layer is written", { timeout: 300_000 }, (t) => {
  // The student version, made by the project's own command, and the answer key to type in.
  const made = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-ui-e1-"));
  const gen = spawnSync(process.execPath, [path.join(ROOT, "scripts", "exercises.mjs"), "--into", made, "--quiet"], { encoding: "utf8" });
  assert.equal(gen.status, 0, gen.stderr);
  const key = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", "exercises", "solutions", "E1-linear.ipynb"), "utf8"));
  const solutionIndex = key.cells.findIndex((c) => c.metadata.nbgrader?.solution);
  const checkIndex = key.cells.findIndex((c) => c.metadata.nbgrader?.grade);
  const answer = key.cells[solutionIndex].source.join("");
  return inJupyter(t, { "E1-linear.ipynb": path.join(made, "E1-linear.ipynb") }, "E1-linear.ipynb", async (page) => {
    fs.rmSync(made, { recursive: true, force: true });
    const setup = await page.evaluate(() => Jupyter.notebook.get_cells().findIndex((c) => c.cell_type === "code"));
    assert.equal((await runCell(page, setup)).status, "ok");
    assert.equal((await runCell(page, solutionIndex)).status, "ok", "the stubbed class compiles");
    const failing = await runCell(page, checkIndex);
    assert.equal(failing.status, "error");
    assert.match(failing.text, /✗ forward: y = x·W \+ b\s+Linear\.forward threw Error: not implemented: Linear\.forward/);
    assert.match(failing.text, /ExerciseError: E1 · Linear: not implemented: Linear\.forward\. Write the code where it says YOUR CODE HERE/);
    // Wait out tslab's 200 ms after an error, in which it drops new requests.
    await new Promise((r) => setTimeout(r, 400));
    await page.evaluate(([i, text]) => Jupyter.notebook.get_cell(i).set_text(text), [solutionIndex, answer]);
    assert.equal((await runCell(page, solutionIndex)).status, "ok");
    const passing = await runCell(page, checkIndex);
    assert.equal(passing.status, "ok", passing.text);
    assert.match(passing.text, /E1 · Linear: all 8 checks passed/);
  });
});
