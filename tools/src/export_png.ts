// Static PNG copies of the chart pages in graphs_exp/, drawn by a headless Chromium (Debian's
// /usr/bin/chromium, or $NNFS_CHROMIUM) through playwright-core. Tooling, not the engine:
// scripts/export_pngs.mjs runs it after the labs. Optional: where no browser is installed
// it exports nothing and says why; the HTML pages are there anyway.
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "nnfs";

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

const PAGES_AT_ONCE = 4;

/** The part of playwright-core used here. */
interface Page {
  goto(url: string, options: { waitUntil: "load" }): Promise<unknown>;
  waitForSelector(selector: string, options: { timeout: number }): Promise<unknown>;
  locator(selector: string): { first(): { screenshot(options: { type: "png" }): Promise<Uint8Array> } };
  close(): Promise<void>;
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
}

/** A headless browser, or why there is none. */
async function launch(): Promise<{ browser: Browser } | { reason: string }> {
  const executablePath = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) return { reason: `no browser at ${executablePath} (apt-get install chromium, or set NNFS_CHROMIUM)` };
  let playwright: Playwright;
  try {
    // Loaded only here: drawing PNGs is optional, and the other tools load without it.
    playwright = require("playwright-core") as Playwright;
  } catch {
    return { reason: "playwright-core is not installed" };
  }
  return { browser: await playwright.chromium.launch({ executablePath, args: FLAGS }) };
}

/** The viewport a chart page is drawn in for its PNG copy. */
export const CHART_PNG_SIZE = { width: 900, height: 620 };

/**
 * Saves the first chart of a loaded chart page as PNG bytes in `file` (atomically). Also used by
 * scripts/check_reports.mjs, which checks each chart page and saves its PNG in the same visit.
 */
export async function saveChartPng(page: Page, file: string): Promise<void> {
  await page.waitForSelector(".nnfs-plot svg.main-svg", { timeout: 30_000 });
  writeFileAtomic(file, await page.locator(".nnfs-plot").first().screenshot({ type: "png" }));
}

/** Saves each chart page (as saveFigure writes them) next to itself as a PNG, in one browser. */
export async function exportChartPagesToPng(pages: string[], size = CHART_PNG_SIZE): Promise<{ files: string[]; reason?: string }> {
  if (pages.length === 0) return { files: [] };
  const launched = await launch();
  if ("reason" in launched) return { files: [], reason: launched.reason };
  const { browser } = launched;
  const files: string[] = new Array(pages.length);
  // A few pages at a time: a page spends most of its time waiting for the browser to load and
  // draw plotly.js, which the browser does in parallel.
  let next = 0;
  const exportNext = async (): Promise<void> => {
    for (let i = next++; i < pages.length; i = next++) {
      const page = await browser.newPage({ viewport: size });
      await page.goto(`file://${path.resolve(pages[i])}`, { waitUntil: "load" });
      const file = pages[i].replace(/\.html$/, ".png");
      await saveChartPng(page, file);
      files[i] = file;
      await page.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PAGES_AT_ONCE, pages.length) }, exportNext));
    return { files };
  } finally {
    await launched.browser.close();
  }
}
