// Step-through in the front ends learners use, JupyterLab 4 and Notebook 7 (the project
// venv's), with the project's tslab kernel, in headless Chromium, driven as a learner
// drives them (jupyter_ui.mjs): menus, clicks, the keyboard, code typed into the editor.
// Exercise E1 (student version): Run All stops at the check, which says what is missing;
// the answer typed in passes; a transposed dW is named. Lab 1: every cell succeeds, its live
// learning curves redraw in place epoch by epoch, and the charts draw in the page. Lab 2C's
// hover image is checked from notebooks.test.mjs, on its quick run's artifacts. Runs on
// copies in scratch folders (the UI saves what it runs), in the quick profile.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, scratchDir } from "./support.mjs";
import { startJupyter, uiMissing } from "./jupyter_server.mjs";
import { cellOutput, cellProblems, launchBrowser, openNotebook, runAll, runCell, setCellText, watchKernelMessages } from "./jupyter_ui.mjs";

// One server of each kind and one browser for the whole file, started by the first test that needs them.
const servers = {};
let browser = null;
after(async () => {
  await (await browser?.catch(() => null))?.close();
  for (const server of Object.values(servers)) await (await server.catch(() => null))?.stop();
});

/** The server of `kind` and the browser, or null when either is missing (then `t` is skipped). */
async function session(t, kind) {
  if (uiMissing(t, kind)) return null;
  servers[kind] ??= startJupyter(kind);
  browser ??= launchBrowser();
  return { server: await servers[kind], browser: await browser };
}

/** Runs `use` on notebook `name` (copied from `from`) opened in `kind`, with the server's log on failure. */
async function withNotebook(t, kind, name, from, use) {
  const s = await session(t, kind);
  if (s === null) return;
  s.server.add(name, from);
  const { page, errors } = await openNotebook(s.browser, s.server, name);
  try {
    await use(page, errors);
  } catch (err) {
    err.message += `\nJupyter server log (tail):\n${s.server.log()}`;
    throw err;
  } finally {
    await page.close();
  }
}

// ---- E1 ----

const E1 = "E1-linear.ipynb";
const key = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", "exercises", "solutions", E1), "utf8"));
const cells = { solution: key.cells.findIndex((c) => c.metadata.nbgrader?.solution), check: key.cells.findIndex((c) => c.metadata.nbgrader?.grade) };
const answer = key.cells[cells.solution].source.join("");
// The classic mistake: dW written transposed into this.weight.grad.
const transposedDW = answer.replace("dW.set(k, j, sum);", "dW.set(j, k, sum);");

let student = null;
/** The student version of E1, made once by the project's own command. */
function studentE1() {
  if (student === null) {
    const dir = scratchDir("nnfs-ui-e1-");
    const made = spawnSync(process.execPath, [path.join(ROOT, "scripts", "exercises.mjs"), "--into", dir, "--quiet"], { encoding: "utf8" });
    assert.equal(made.status, 0, made.stderr);
    student = path.join(dir, E1);
  }
  return student;
}

/** Run → Run All Cells on the student version: it stops at the check, which says what to write. */
async function runAllStopsAtCheck(page) {
  const after = await runAll(page);
  assert.match(after[cells.check], /^\[\d+\]:$/, "the check ran");
  assert.deepEqual(
    after.slice(cells.check + 1).filter((p) => p !== ""),
    ["[ ]:"],
    "no code cell after the check ran",
  );
  const check = await cellOutput(page, cells.check);
  assert.ok(check.types.includes("error"), `the check ends in an error output: ${check.types}`);
  assert.match(check.text, /✗ forward: y = x·W \+ b\s+Linear\.forward threw Error: not implemented: Linear\.forward/);
  assert.match(check.text, /ExerciseError: E1 · Linear: not implemented: Linear\.forward\. Write the code where it says YOUR CODE HERE/);
  await readingPause(page);
}

/** Types `code` into the solution cell, runs it (Ctrl+Enter), then the check; returns the check's output. */
async function typeAndCheck(page, code) {
  assert.equal(await setCellText(page, cells.solution, code), code, "the editor holds exactly the code typed");
  const compiled = await runCell(page, cells.solution);
  assert.deepEqual(compiled.types, [], `the class compiles: ${compiled.text}`);
  return runCell(page, cells.check);
}

function assertPasses(check) {
  assert.ok(!check.types.includes("error"), check.text);
  assert.match(check.text, /E1 · Linear: all 8 checks passed/);
}

/**
 * A learner reads a failure before typing again; without this pause the test would be
 * faster than any learner and run into tslab dropping requests for 200 ms after a failed cell.
 */
const readingPause = (page) => page.waitForTimeout(400);

test("E1 in JupyterLab: Run All stops at the check, which says what is missing; the answer passes; a transposed dW is named", { timeout: 180_000 }, (t) =>
  withNotebook(t, "lab", E1, studentE1(), async (page) => {
    await runAllStopsAtCheck(page);
    assertPasses(await typeAndCheck(page, answer));
    assert.notEqual(transposedDW, answer, "the answer key still computes dW with dW.set(k, j, sum)");
    const wrong = await typeAndCheck(page, transposedDW);
    assert.ok(wrong.types.includes("error"), wrong.text);
    assert.match(
      wrong.text,
      /✗ backward: dW \(this\.weight\.grad\)\s+N=\d+, in=\d+, out=\d+: dW is off[^\n]*\s+hint: dW is transposed: it has W's shape \(in, out\) and is xᵀ·dOut, not dOutᵀ·x/,
    );
    assert.match(wrong.text, /ExerciseError: E1 · Linear: \d+ of 8 checks failed: backward: dW \(this\.weight\.grad\)/);
  }),
);

test("E1 in Notebook 7: the check says what is missing, and passes once the layer is typed in", { timeout: 180_000 }, (t) =>
  withNotebook(t, "notebook", E1, studentE1(), async (page) => {
    await runAllStopsAtCheck(page);
    assertPasses(await typeAndCheck(page, answer));
  }),
);

// ---- Lab 1 and live charts ----

/** Waits until at least `count` charts have drawn (Plotly makes a few svg.main-svg each); returns each one's number of traces. */
async function drawnCharts(page, count) {
  await page.waitForFunction(
    (n) => [...document.querySelectorAll(".jp-OutputArea .nnfs-plot")].filter((p) => p.querySelector("svg.main-svg")).length >= n,
    count,
    { timeout: 60_000 },
  );
  return page.$$eval(".jp-OutputArea .nnfs-plot", (els) => els.map((e) => e.querySelectorAll("g.trace").length));
}

/** Counts the charts drawn in cell `index` from now on (a redraw replaces the chart's div). */
async function watchChartDraws(page, index) {
  await page.evaluate((i) => {
    window.__nnfsDraws = new Set();
    const cell = document.querySelectorAll(".jp-Notebook .jp-Cell")[i];
    new MutationObserver(() => cell.querySelectorAll(".nnfs-plot").forEach((p) => p.querySelector("svg.main-svg") && window.__nnfsDraws.add(p.id))).observe(
      cell,
      { childList: true, subtree: true },
    );
  }, index);
  return () => page.evaluate(() => window.__nnfsDraws.size);
}

const LAB1 = path.join(ROOT, "notebooks", "01-lab1-mlp.ipynb");
// The cell that trains the two spirals MLPs under one live chart, and its epochs in the quick profile.
const LIVE_CELL = JSON.parse(fs.readFileSync(LAB1, "utf8")).cells.findIndex((c) => c.source.join("").includes("nn.plot.liveCurves("));
const LIVE_EPOCHS = 100;

test("Lab 1 in JupyterLab: Run All succeeds, the live curves redraw in place while it trains, and its nine charts draw", { timeout: 240_000 }, (t) =>
  withNotebook(t, "lab", "01-lab1-mlp.ipynb", LAB1, async (page, errors) => {
    assert.ok(LIVE_CELL > 0, "Lab 1 trains under nn.plot.liveCurves");
    const messages = await watchKernelMessages(page);
    const draws = await watchChartDraws(page, LIVE_CELL);
    await runAll(page);
    assert.deepEqual(await cellProblems(page), [], "every cell ran, without an error or stderr");
    assert.match((await cellOutput(page, LIVE_CELL)).text, new RegExp(`trained ${LIVE_EPOCHS} epochs`), "the quick profile's epochs");
    // In place: shown once, then updated under the same display id while both runs train. (The
    // quick profile trains for under half a second, too short to watch the updates arrive.)
    const received = await messages();
    const live = received.filter((m) => m.displayId !== null);
    assert.equal(new Set(live.map((m) => m.displayId)).size, 1, "one live chart");
    assert.deepEqual(
      live.map((m) => m.type),
      ["display_data", ...Array(live.length - 1).fill("update_display_data")],
    );
    assert.ok(live.length >= 4 && live.length <= 2 * LIVE_EPOCHS, `${live.length} draws: each run's first and last epoch, and some in between`);
    const { types } = await cellOutput(page, LIVE_CELL);
    assert.equal(types.filter((type) => type === "display_data").length, 1, `one chart output in the training cell: ${types}`);
    assert.ok((await draws()) >= live.length - 1, `the page drew the live chart ${await draws()} times for ${live.length} draws sent`);
    // The last draw shows both runs' every epoch.
    const points = await page.evaluate(
      (i) => [...document.querySelectorAll(".jp-Notebook .jp-Cell")[i].querySelector(".nnfs-plot").data].map((trace) => trace.x.length),
      LIVE_CELL,
    );
    assert.deepEqual(points, Array(points.length).fill(LIVE_EPOCHS), `epochs per curve in the final chart: ${points}`);
    assert.equal(points.length, 4, "train and validation curves of two runs");
    const traces = await drawnCharts(page, 9);
    assert.equal(traces.length, 9, "the live chart, six learning-curve charts, decision regions, fitted curves");
    assert.ok(
      traces.every((n) => n >= 3),
      `traces per chart: ${traces}`,
    );
    assert.deepEqual(errors, []);
  }),
);
