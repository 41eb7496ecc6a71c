// Step-through, the way most people use the labs: Debian's Jupyter Notebook server with
// the project's tslab kernel, Lab 1 opened in headless Chromium and run cell by cell
// through the page's own Jupyter API; every cell must succeed and the charts must draw
// inside the page. Runs on a copy of the notebook (the UI saves what it runs), in the
// quick profile, with artifacts in a scratch folder.
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

test("Lab 1 runs cell by cell in Jupyter Notebook and draws its charts in the page", { timeout: 300_000 }, async (t) => {
  const jupyter = spawnSync("jupyter", ["notebook", "--version"], { encoding: "utf8" });
  if (jupyter.status !== 0) return t.skip("jupyter notebook is not installed (apt-get install jupyter-notebook)");
  if (!fs.existsSync(CHROMIUM)) return t.skip(`no ${CHROMIUM} (apt-get install chromium)`);

  // A scratch copy: the notebook, and node_modules so its `import "nnfs"` resolves.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-ui-"));
  fs.copyFileSync(path.join(ROOT, "notebooks", "01-lab1-mlp.ipynb"), path.join(scratch, "01-lab1-mlp.ipynb"));
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
    await page.goto(`http://127.0.0.1:${port}/notebooks/01-lab1-mlp.ipynb?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.() === true, null, { timeout: 60_000 });

    // Record every execute_reply status, count finished cells, then Run All.
    const codeCells = await page.evaluate(() => {
      window.__replies = [];
      const handle = window.IPython.CodeCell.prototype._handle_execute_reply;
      window.IPython.CodeCell.prototype._handle_execute_reply = function (msg) {
        window.__replies.push(msg.content.status);
        return handle.apply(this, arguments);
      };
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
});
