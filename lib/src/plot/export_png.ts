// Static PNG copies of interactive figures, drawn by a headless Chromium (Debian's
// /usr/bin/chromium, or $NNFS_CHROMIUM) through playwright-core. Optional: where no
// browser is installed it returns null and says why, and the HTML copy still exists.
import * as fs from "fs";
import { projectPath, writeFileAtomic } from "../paths";
import { Figure, standaloneHtml } from "./plotly";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

/** The part of playwright-core used here. */
interface Playwright {
  chromium: {
    launch(options: { executablePath: string; args: string[] }): Promise<{
      newPage(options: { viewport: { width: number; height: number } }): Promise<{
        setContent(html: string, options: { waitUntil: "load" }): Promise<void>;
        waitForSelector(selector: string, options: { timeout: number }): Promise<unknown>;
        locator(selector: string): { screenshot(options: { type: "png" }): Promise<Uint8Array> };
      }>;
      close(): Promise<void>;
    }>;
  };
}

/**
 * Draws `fig` in a headless browser and saves graphs_exp/<name>.png.
 * @returns the PNG's path, or null (with `reason`) when no browser is available
 */
export async function exportFigurePng(fig: Figure, name: string, size = { width: 900, height: 620 }): Promise<{ file: string | null; reason?: string }> {
  const executablePath = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) return { file: null, reason: `no browser at ${executablePath} (apt-get install chromium, or set NNFS_CHROMIUM)` };
  let playwright: Playwright;
  try {
    // Loaded only here: drawing PNGs is optional and the engine must load without it.
    playwright = require("playwright-core") as Playwright;
  } catch {
    return { file: null, reason: "playwright-core is not installed" };
  }
  const browser = await playwright.chromium.launch({ executablePath, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: size });
    await page.setContent(standaloneHtml({ ...fig, layout: { ...fig.layout, width: size.width - 20, height: size.height - 40 } }, name), { waitUntil: "load" });
    await page.waitForSelector(".nnfs-plot svg.main-svg", { timeout: 30_000 });
    const png = await page.locator(".nnfs-plot").screenshot({ type: "png" });
    const file = projectPath("graphs_exp", `${name}.png`);
    writeFileAtomic(file, png);
    return { file };
  } finally {
    await browser.close();
  }
}
