// Opens every HTML report of a folder in headless Chromium with the network blocked and
// checks that it works offline: every chart drew an SVG with data, every image loaded,
// nothing went to the console as an error, nothing asked for the network. Saves one
// full-page screenshot per report in <folder>/screenshots/.
// Usage: node scripts/check_reports.mjs [outputs/reports]   (exit 1 when a report fails)
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const CHROMIUM = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** Checks one report in an open browser; returns what it found (problems empty when fine). */
async function checkOne(browser, file, screenshots) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
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
  const charts = await page.$$eval(".nnfs-plot", (els) => els.map((e) => ({ svg: !!e.querySelector("svg.main-svg"), traces: e.querySelectorAll("g.trace, g.hm, g.boxlayer path").length })));
  charts.forEach((c, i) => c.traces === 0 && problems.push(`chart ${i + 1} has no data drawn`));
  const images = await page.$$eval("img", (els) => els.map((e) => e.complete && e.naturalWidth > 0));
  images.forEach((ok, i) => !ok && problems.push(`image ${i + 1} did not load`));
  fs.mkdirSync(screenshots, { recursive: true });
  const screenshot = path.join(screenshots, `${path.basename(file, ".html")}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { file, charts: charts.length, traces: charts.map((c) => c.traces), images: images.length, screenshot, problems };
}

/** Checks every report (*.html but index.html) in `dir`. */
export async function checkReports(dir) {
  const { chromium } = createRequire(import.meta.url)("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".html") && f !== "index.html").sort();
    const results = [];
    for (const f of files) results.push(await checkOne(browser, path.resolve(dir, f), path.join(dir, "screenshots")));
    return results;
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? "outputs/reports";
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`reports not checked in a browser: no ${CHROMIUM} (apt-get install chromium)`);
    process.exit(0);
  }
  const results = await checkReports(dir);
  for (const r of results) {
    console.log(`${r.problems.length ? "FAILED" : "ok    "} ${path.basename(r.file)}: ${r.charts} charts, ${r.images} images -> ${path.relative(process.cwd(), r.screenshot)}`);
    for (const p of r.problems) console.log(`         ${p}`);
  }
  process.exit(results.some((r) => r.problems.length) ? 1 : 0);
}
