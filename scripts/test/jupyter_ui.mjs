// Drives JupyterLab 4 and Notebook 7 (the project venv's) in headless Chromium the way a
// learner does: a server on a scratch folder, a notebook opened by its URL, cells run from
// the menu or the keyboard, code typed into a cell's editor, outputs read from the page.
// App internals (window.jupyterapp) are read only to observe: the kernel's state, output
// types, an editor's whole text, kernel messages. Shared by the UI and notebook tests.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT, missing } from "./support.mjs";

export const CHROMIUM = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** The two front ends: the oldest major version meant, the flag that exposes the app, a notebook's URL. */
const KINDS = {
  lab: { name: "JupyterLab", major: 4, expose: "--LabApp.expose_app_in_browser=True", url: (name, n) => `lab/workspaces/nnfs-${n}/tree/${name}` },
  notebook: { name: "Jupyter Notebook", major: 7, expose: "--JupyterNotebookApp.expose_app_in_browser=True", url: (name) => `notebooks/${name}` },
};
// One Lab workspace per page, so that a page does not reopen the notebooks of the pages before it.
let pagesOpened = 0;

/** The major version of `jupyter <kind>` on PATH (NaN when it does not run), asked once per kind. */
const majors = new Map();
function majorVersion(kind) {
  if (!majors.has(kind)) {
    const found = spawnSync("jupyter", [kind, "--version"], { encoding: "utf8" });
    majors.set(kind, found.status === 0 ? Number(found.stdout.trim().split(".")[0]) : NaN);
  }
  return majors.get(kind);
}

/**
 * True (and `t` skipped, or failed under CI) when `kind` ("lab" or "notebook") at its major
 * version, or Chromium, is missing.
 */
export function uiMissing(t, kind) {
  const { name, major } = KINDS[kind];
  if (!(majorVersion(kind) >= major)) {
    missing(t, `${name} ${major} (jupyter ${kind} on PATH)`, "bash scripts/setup.sh makes the project venv with it; then source scripts/common.sh");
    return true;
  }
  if (!fs.existsSync(CHROMIUM)) {
    missing(t, CHROMIUM, "apt-get install chromium");
    return true;
  }
  return false;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Jupyter's own state in `dir` instead of the user's home: settings, workspaces, runtime
 * files. The settings turn off the news prompt, a toast over the notebook.
 */
function jupyterState(dir) {
  const settings = path.join(dir, "settings", "@jupyterlab", "apputils-extension");
  fs.mkdirSync(settings, { recursive: true });
  fs.writeFileSync(path.join(settings, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  return {
    JUPYTER_CONFIG_DIR: path.join(dir, "config"),
    JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(dir, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(dir, "workspaces"),
  };
}

/**
 * Starts `jupyter lab` or `jupyter notebook` (kind) on a new scratch folder that holds a
 * link to node_modules (so `import "nnfs"` resolves), with the tslab kernel spec, the quick
 * profile, and NNFS_ROOT = `root` (default: the scratch folder). Returns the server:
 * `add(name, from)` copies a notebook in, `log()` is its stderr's tail, `stop()` ends it.
 */
export async function startJupyter(kind, { root } = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-ui-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [kind, "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--ServerApp.port_retries=0", `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${scratch}`, KINDS[kind].expose];
  if (process.getuid?.() === 0) args.push("--allow-root");
  const child = spawn("jupyter", args, {
    env: {
      ...process.env,
      ...jupyterState(path.join(scratch, ".jupyter-state")), // a hidden folder: not in the file browser
      JUPYTER_PATH: path.join(ROOT, ".jupyter"),
      NNFS_ROOT: root ?? scratch,
      LABS_PROFILE: "quick",
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
    },
    detached: true, // its own process group, which stop() signals
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log = (log + d).slice(-20_000)));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const server = {
    kind,
    scratch,
    base: `http://127.0.0.1:${port}/`,
    token,
    log: () => log.split("\n").slice(-20).join("\n"),
    add: (name, from) => fs.copyFileSync(from, path.join(scratch, name)),
    async stop() {
      // The kernels first, through the server: they run in sessions of their own, which a
      // signal to the server's process group does not reach.
      await shutDownKernels(server).catch(() => undefined);
      signal(child, "SIGTERM");
      const timer = setTimeout(() => signal(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
  try {
    await waitForServer(server, exited);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function shutDownKernels(server) {
  const api = (route, method = "GET") => fetch(`${server.base}api/${route}`, { method, headers: { Authorization: `token ${server.token}` } });
  const kernels = await (await api("kernels")).json();
  await Promise.all(kernels.map((k) => api(`kernels/${k.id}`, "DELETE")));
}

function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}

async function waitForServer(server, exited) {
  const status = `${server.base}api/status?token=${server.token}`;
  let gone = false;
  exited.then(() => (gone = true));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !gone; ) {
    try {
      if ((await fetch(status)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`jupyter ${server.kind} did not answer at ${server.base} (${gone ? "it exited" : "60 s"}):\n${server.log()}`);
}

/** Headless Chromium; close it when done. */
export function launchBrowser() {
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * Opens notebook `name` of `server` in a new page, nothing but the server reachable, and
 * waits for its kernel. Returns the page and the page's uncaught errors (filled as they come).
 */
export async function openNotebook(browser, server, name) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route("**/*", (route) => (route.request().url().startsWith(server.base) ? route.continue() : route.abort()));
  await page.goto(`${server.base}${KINDS[server.kind].url(name, ++pagesOpened)}?token=${server.token}`);
  await waitForKernelIdle(page);
  return { page, errors };
}

/** Waits until the open notebook's kernel has started and is idle. */
export async function waitForKernelIdle(page, timeout = 60_000) {
  await page.waitForFunction(() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === "idle", null, { timeout });
}

const cellAt = (page, index) => page.locator(".jp-Notebook .jp-Cell").nth(index);

/** The input prompt of every cell, as shown: "[3]:", "[*]:" (queued or running), "[ ]:", "" for markdown. */
export function prompts(page) {
  return page.$$eval(".jp-Notebook .jp-Cell", (cells) => cells.map((c) => c.querySelector(".jp-InputPrompt")?.textContent.trim() ?? ""));
}

/** Clicks `item` in the menu bar's menu `title`, e.g. ("Run", "Run All Cells"). */
export async function menu(page, title, item) {
  await page.locator(".lm-MenuBar-item", { hasText: new RegExp(`^${title}$`) }).click();
  await page.locator(".lm-Menu-item", { hasText: new RegExp(`^${item}`) }).first().click();
}

/** Waits until some prompt differs from `before` and none is pending, then for an idle kernel. */
async function waitForRun(page, before, timeout) {
  await page.waitForFunction(
    (before) => {
      const now = [...document.querySelectorAll(".jp-Notebook .jp-Cell")].map((c) => c.querySelector(".jp-InputPrompt")?.textContent.trim() ?? "");
      return now.some((p, i) => p !== before[i]) && !now.includes("[*]:");
    },
    before,
    { timeout },
  );
  await waitForKernelIdle(page);
}

/** Run → Run All Cells; returns the prompts once it has stopped (at the end or at a failure). */
export async function runAll(page, timeout = 300_000) {
  const before = await prompts(page);
  await menu(page, "Run", "Run All Cells");
  await waitForRun(page, before, timeout);
  return prompts(page);
}

/**
 * Selects cell `index` (a click on its prompt) and runs it with Ctrl+Enter, which stays on
 * the cell (Shift+Enter on the last cell would add a new one); returns its output.
 */
export async function runCell(page, index, timeout = 120_000) {
  const before = await prompts(page);
  await cellAt(page, index).locator(".jp-InputPrompt").click();
  await page.keyboard.press("Control+Enter");
  await waitForRun(page, before, timeout);
  return cellOutput(page, index);
}

/**
 * What cell `index` shows below it: `text`, as on the page, and `types`, its outputs'
 * kinds ("stream:stdout", "stream:stderr", "display_data", "error", …).
 */
export async function cellOutput(page, index) {
  const text = (await cellAt(page, index).locator(".jp-OutputArea").textContent()) ?? "";
  const types = await page.evaluate((i) => {
    const outputs = window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs.toJSON();
    return outputs.map((o) => (o.output_type === "stream" ? `stream:${o.name}` : o.output_type));
  }, index);
  return { text, types };
}

/**
 * Replaces the text of cell `index` as a learner would: a click into its editor, select all,
 * then the text inserted at once (typed key by key, CodeMirror would auto-indent and close
 * brackets). Returns the editor's whole text, to compare with what was meant.
 */
export async function setCellText(page, index, text) {
  await cellAt(page, index).locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  return page.evaluate((i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource(), index);
}

/**
 * Records every message the open notebook's kernel sends the page from now on; returns a
 * function that reads them: { type, displayId, sent (the kernel's header date), arrived },
 * times in ms since the epoch.
 */
export async function watchKernelMessages(page) {
  await page.evaluate(() => {
    window.__nnfsKernelMessages = [];
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    kernel.anyMessage.connect((_, { msg, direction }) => {
      if (direction !== "recv") return;
      const { header, content } = msg;
      window.__nnfsKernelMessages.push({ type: header.msg_type, displayId: content?.transient?.display_id ?? null, sent: Date.parse(header.date), arrived: Date.now() });
    });
  });
  return () => page.evaluate(() => window.__nnfsKernelMessages);
}

/** Every code cell that ran shows no error and nothing on stderr: a message per offender, empty when fine. */
export async function cellProblems(page) {
  const problems = [];
  const all = await prompts(page);
  for (const [i, prompt] of all.entries()) {
    if (prompt === "") continue;
    const { text, types } = await cellOutput(page, i);
    if (!/^\[\d+\]:$/.test(prompt)) problems.push(`cell ${i + 1} did not run (prompt ${prompt})`);
    if (types.includes("error") || types.includes("stream:stderr")) problems.push(`cell ${i + 1}: ${text.slice(0, 2000)}`);
  }
  return problems;
}

/**
 * Moves the mouse onto point `index` of the first trace with data in the chart `plot` (a
 * locator of a .nnfs-plot): a real pointer move, as Plotly draws hover only for those.
 */
export async function hoverPoint(page, plot, index = 0) {
  await plot.scrollIntoViewIfNeeded();
  const at = await plot.evaluate((gd, i) => {
    const trace = gd.data.find((t) => t.x && t.x.length > i);
    const { xaxis, yaxis } = gd._fullLayout;
    const box = gd.getBoundingClientRect();
    return { x: box.left + xaxis._offset + xaxis.l2p(trace.x[i]), y: box.top + yaxis._offset + yaxis.l2p(trace.y[i]) };
  }, index);
  await page.mouse.move(at.x - 5, at.y - 5);
  await page.mouse.move(at.x, at.y, { steps: 3 });
}

/**
 * Lab 2C (04-ae-umap.ipynb) in JupyterLab, on the artifacts of Labs 2A and 2B in `root`
 * (a quick run's NNFS_ROOT, default dataset): Run All succeeds, and hovering a point of the
 * UMAP map shows beside it, pixel for pixel, the test image that point stands for.
 */
export async function checkLab2cHoverInJupyterLab(t, root) {
  if (uiMissing(t, "lab")) return;
  const server = await startJupyter("lab", { root });
  const browser = await launchBrowser();
  try {
    server.add("04-ae-umap.ipynb", path.join(ROOT, "notebooks", "04-ae-umap.ipynb"));
    const { page, errors } = await openNotebook(browser, server, "04-ae-umap.ipynb");
    await runAll(page);
    assert.deepEqual(await cellProblems(page), []);
    const panel = page.locator(".nnfs-hover-image");
    assert.equal(await panel.count(), 1, "one map with an image panel");
    await hoverPoint(page, page.locator(".nnfs-plot"));
    const shown = await hoveredImage(page, panel);
    const [, className, testIndex] = /^(.*) #(\d+)$/.exec(shown.caption);
    const expected = testImage(Number(testIndex));
    assert.equal(className, expected.className, `caption "${shown.caption}" names the class of test image #${testIndex}`);
    assert.deepEqual(tilePixels(shown, expected.width, expected.height), expected.pixels, `the panel shows test image #${testIndex}`);
    assert.deepEqual(errors, []);
  } catch (err) {
    err.message += `\nJupyter server log (tail):\n${server.log()}`;
    throw err;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Waits until the hover panel (a .nnfs-hover-image locator) names a point and has drawn
 * an image; returns its caption and its canvas's pixels.
 */
async function hoveredImage(page, panel) {
  const canvas = await panel.locator("canvas").elementHandle();
  await page.waitForFunction(
    (canvas) => /#\d+$/.test(canvas.parentNode.querySelector(".nnfs-hover-caption").textContent) && canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data.some((v, k) => k % 4 !== 3 && v > 0),
    canvas,
    { timeout: 10_000 },
  ).catch(async () => assert.fail(`hovering a point of the map drew no image (caption "${await panel.locator(".nnfs-hover-caption").textContent()}")`));
  return canvas.evaluate((c) => ({ caption: c.parentNode.querySelector(".nnfs-hover-caption").textContent, width: c.width, height: c.height, rgba: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data) }));
}

/** Test image `index` of Fashion-MNIST (Lab 2C's default dataset) as gray bytes, and its class. */
function testImage(index) {
  const nn = createRequire(import.meta.url)("nnfs");
  const test = nn.loadImageDataset("fashion", "test", { limit: index + 1 });
  const row = test.x.row(index);
  return { width: test.width, height: test.height, className: nn.DATASETS.fashion.classNames[test.y[index]], pixels: Array.from(row, (v) => Math.round(255 * Math.min(1, Math.max(0, v)))) };
}

/** The gray value at the centre of each of the width×height blocks a magnified tile fills on `canvas`. */
function tilePixels(canvas, width, height) {
  const sx = canvas.width / width;
  const sy = canvas.height / height;
  const pixels = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.push(canvas.rgba[4 * (Math.floor((y + 0.5) * sy) * canvas.width + Math.floor((x + 0.5) * sx))]);
  }
  return pixels;
}
