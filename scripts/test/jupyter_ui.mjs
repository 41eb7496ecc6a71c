// Drives JupyterLab 4 and Notebook 7 (the project venv's) in headless Chromium the way a
// learner does: a server on a scratch folder, a notebook opened by its URL, cells run from
// the menu or the keyboard, code typed into a cell's editor, outputs read from the page.
// App internals (window.jupyterapp) are read only to observe: the kernel's state, output
// types, an editor's whole text, kernel messages. Shared by the UI and notebook tests.
// Not for starting servers (jupyter_server.mjs) or for Lab 2C's hover check (lab2c_hover.mjs).
import { createRequire } from "node:module";
import { CHROMIUM, KINDS } from "./jupyter_server.mjs";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

// One Lab workspace per page, so that a page does not reopen the notebooks of the pages before it.
let pagesOpened = 0;

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
  await page
    .locator(".lm-Menu-item", { hasText: new RegExp(`^${item}`) })
    .first()
    .click();
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
      window.__nnfsKernelMessages.push({
        type: header.msg_type,
        displayId: content?.transient?.display_id ?? null,
        sent: Date.parse(header.date),
        arrived: Date.now(),
      });
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
