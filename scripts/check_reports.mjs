// Opens every HTML report of a folder in headless Chromium with the network blocked and
// checks that it works offline: every chart drew an SVG with data, every image loaded,
// hovering a point of a chart with an image panel draws that image, nothing went to the
// console as an error, nothing asked for the network. Saves one
// full-page screenshot per report in <folder>/screenshots/ (or the folder given second).
// Usage: node scripts/check_reports.mjs [outputs/reports] [screenshots folder] [--png]   (exit 1 when a report fails)
// Also checks the chart pages: node scripts/check_reports.mjs graphs_exp outputs/reports/screenshots/graphs_exp --png
// --png: also saves each page's first chart as <page>.png beside it, drawn at the size
// scripts/export_pngs.mjs uses, in the same visit (the labs load each chart page once).
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const CHROMIUM = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
// --allow-file-access-from-files: a chart page in graphs_exp/ draws its hover images from a PNG beside it,
// and checking that they drew means reading the canvas, which Chromium forbids across file:// origins.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--allow-file-access-from-files",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const tools = createRequire(import.meta.url)("nnfs-tools");

/** Checks one report in an open browser; returns what it found (problems empty when fine). With `png`, saves its first chart as a PNG beside it. */
async function checkOne(browser, file, screenshots, png) {
  const page = await browser.newPage({ viewport: png ? tools.CHART_PNG_SIZE : { width: 1200, height: 900 } });
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e}`));
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith("file://")) return route.continue();
    problems.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(`file://${file}`, { waitUntil: "load" });
  try {
    await page.waitForFunction(() => [...document.querySelectorAll(".nnfs-plot")].every((p) => p.querySelector("svg.main-svg")), null, { timeout: 60_000 });
  } catch (err) {
    problems.push(`charts not drawn within 60 s (${err.message.split("\n")[0]})`);
  }
  const charts = await page.$$eval(".nnfs-plot", (els) =>
    els.map((e) => ({ svg: !!e.querySelector("svg.main-svg"), traces: e.querySelectorAll("g.trace, g.hm, g.boxlayer path").length })),
  );
  charts.forEach((c, i) => c.traces === 0 && problems.push(`chart ${i + 1} has no data drawn`));
  // Before hovering, which would draw a hover label into the picture.
  const pngFile = png ? file.replace(/\.html$/, ".png") : null;
  if (pngFile) await tools.saveChartPng(page, pngFile).catch((err) => problems.push(`PNG not saved: ${err.message.split("\n")[0]}`));
  const panels = await hoverEveryImagePanel(page);
  panels.forEach((p, i) => !p.drawn && problems.push(`hover image panel ${i + 1}: hovering a point drew nothing (caption "${p.caption}")`));
  const images = await page.$$eval("img", (els) => els.map((e) => e.complete && e.naturalWidth > 0));
  images.forEach((ok, i) => !ok && problems.push(`image ${i + 1} did not load`));
  fs.mkdirSync(screenshots, { recursive: true });
  const screenshot = path.join(screenshots, `${path.basename(file, ".html")}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return {
    file,
    charts: charts.length,
    hoverPanels: panels.length,
    traces: charts.map((c) => c.traces),
    images: images.length,
    screenshot,
    png: pngFile,
    problems,
  };
}

/**
 * Moves the mouse onto the first point of each chart that has an image panel
 * (hover_images.ts) and reports whether its canvas then shows a non-black image.
 * (Plotly emits hover events for real pointer moves only, not for Fx.hover.)
 */
async function hoverEveryImagePanel(page) {
  const results = [];
  const count = await page.$$eval(".nnfs-hover-image", (els) => els.length);
  for (let i = 0; i < count; i++) {
    const at = await page.evaluate((i) => {
      const panel = document.querySelectorAll(".nnfs-hover-image")[i];
      const gd = panel.parentNode.querySelector(".nnfs-plot");
      gd.scrollIntoView({ block: "center" });
      const trace = gd.data.find((t) => t.x && t.x.length > 0);
      const { xaxis, yaxis } = gd._fullLayout;
      const box = gd.getBoundingClientRect();
      return { x: box.left + xaxis._offset + xaxis.l2p(trace.x[0]), y: box.top + yaxis._offset + yaxis.l2p(trace.y[0]) };
    }, i);
    await page.mouse.move(at.x - 5, at.y - 5);
    await page.mouse.move(at.x, at.y, { steps: 3 });
    const seen = await page.evaluate(async (i) => {
      const panel = document.querySelectorAll(".nnfs-hover-image")[i];
      const canvas = panel.querySelector("canvas");
      let drawn = false;
      for (let wait = 0; wait < 50 && !drawn; wait++) {
        await new Promise((r) => setTimeout(r, 100));
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        drawn = pixels.some((v, k) => k % 4 !== 3 && v > 0);
      }
      return { drawn, caption: panel.querySelector(".nnfs-hover-caption").textContent };
    }, i);
    results.push(seen);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return results;
}

/** Checks every report (*.html but index.html) in `dir`; screenshots go to `screenshots`. `png`: also save each page's chart as a PNG beside it. */
export async function checkReports(dir, screenshots = path.join(dir, "screenshots"), { png = false } = {}) {
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".html") && f !== "index.html")
      .sort();
    // A few pages at a time: most of a page's time is the browser parsing plotly.js, which runs in parallel.
    const results = new Array(files.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < files.length; i = next++) results[i] = await checkOne(browser, path.resolve(dir, files[i]), screenshots, png);
    };
    await Promise.all(Array.from({ length: png ? 4 : 2 }, worker));
    return results;
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const png = process.argv.includes("--png");
  const [dir = "outputs/reports", screenshots] = process.argv.slice(2).filter((a) => a !== "--png");
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`reports not checked in a browser${png ? ", charts not exported to PNG" : ""}: no ${CHROMIUM} (apt-get install chromium)`);
    process.exit(0);
  }
  const results = await checkReports(dir, screenshots, { png });
  for (const r of results) {
    console.log(
      `${r.problems.length ? "FAILED" : "ok    "} ${path.basename(r.file)}: ${r.charts} charts, ${r.hoverPanels} hover image panels, ${r.images} images -> ${path.relative(process.cwd(), r.screenshot)}${r.png ? `, ${path.relative(process.cwd(), r.png)}` : ""}`,
    );
    for (const p of r.problems) console.log(`         ${p}`);
  }
  process.exit(results.some((r) => r.problems.length) ? 1 : 0);
}
