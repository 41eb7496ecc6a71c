// Showing figures in a tslab notebook and saving them as offline HTML under graphs_exp/.
import * as fs from "fs";
import * as path from "path";
import { projectPath, writeFileAtomic } from "../paths";
import { Figure, figureHtml, plotlyBundleFile, plotlyBundleScript, standaloneHtml } from "./plotly";
import { cellOutput } from "../notebook";
import { encodeGrayPng } from "./png";
import type { ImageGrid } from "./image_grid";

/**
 * Emits the plotly.js bundle into the current cell's output. Call it once near the top
 * of a notebook, before the first chart; re-running the cell is harmless.
 */
export function setupCharts(): void {
  cellOutput().html(plotlyBundleScript());
}

export interface ShowOptions {
  /** Also save the figure as graphs_exp/<saveAs>.html (see saveFigure). */
  saveAs?: string;
  /** Height in pixels. Default 420. */
  height?: number;
}

/** Shows an interactive figure in the current cell's output, and saves it if asked. */
export function showFigure(fig: Figure, options: ShowOptions = {}): void {
  if (options.saveAs !== undefined) saveFigure(fig, options.saveAs);
  cellOutput().html(figureHtml(fig, options.height ?? 420));
}

/** Shows figures next to each other, in one row of equal columns. */
export function showFiguresSideBySide(figs: Figure[], height = 480): void {
  const cells = figs.map((f) => `<div style="flex: 1 1 0; min-width: 0">${figureHtml(f, height)}</div>`).join("");
  cellOutput().html(`<div style="display: flex; gap: 8px; width: 100%">${cells}</div>`);
}

/** Shows raw HTML (tables, notes) in the current cell's output. */
export function showHtml(html: string): void {
  cellOutput().html(html);
}

/** The one copy of plotly.js the chart pages in graphs_exp/ share. */
export const SHARED_PLOTLY = "plotly.min.js";

/** Shared copies this process has already checked: 4.8 MB need not be read again for every chart. */
const checkedBundles = new Set<string>();

/** Writes plotly.js to `bundle` unless the same bytes are already there. */
function writeSharedPlotly(bundle: string): void {
  if (checkedBundles.has(bundle) && fs.existsSync(bundle)) return;
  const source = fs.readFileSync(plotlyBundleFile());
  const same = fs.existsSync(bundle) && fs.statSync(bundle).size === source.length && fs.readFileSync(bundle).equals(source);
  if (!same) writeFileAtomic(bundle, source);
  checkedBundles.add(bundle);
}

/**
 * Writes `fig` as a standalone offline page graphs_exp/<name>.html (atomically) and returns
 * its path. The pages share one plotly.js file beside them (written when missing or
 * different), and a chart's hover images go in a PNG beside it, so the folder stays small;
 * every page still opens offline by double-click.
 */
export function saveFigure(fig: Figure, name: string): string {
  const file = graphsFile("saveFigure", name, ".html");
  writeSharedPlotly(path.join(path.dirname(file), SHARED_PLOTLY));
  let page = fig;
  if (fig.hoverImages !== undefined && fig.hoverImages.sprite.startsWith("data:image/png;base64,")) {
    const sprite = `${path.basename(file, ".html")}_images.png`;
    writeFileAtomic(path.join(path.dirname(file), sprite), Buffer.from(fig.hoverImages.sprite.slice("data:image/png;base64,".length), "base64"));
    page = { ...fig, hoverImages: { ...fig.hoverImages, sprite } };
  }
  writeFileAtomic(file, standaloneHtml(page, path.basename(file, ".html"), { plotlySrc: SHARED_PLOTLY }));
  return file;
}

/** graphs_exp/<name><ext>, refusing names that are paths (`caller` names the function in the error). */
function graphsFile(caller: string, name: string, ext: string): string {
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`${caller}: name must be a plain file name like "clf_curves_loss" (got ${JSON.stringify(name)})`);
  }
  return projectPath("graphs_exp", name.endsWith(ext) ? name : `${name}${ext}`);
}

/** Shows PNG bytes in the current cell's output. */
export function showPng(png: Uint8Array): void {
  cellOutput().png(png);
}

/** Shows a grayscale image grid in the current cell and saves it as graphs_exp/<saveAs>.png; returns that file. */
export function showImageGrid(grid: ImageGrid, saveAs: string): string {
  const png = encodeGrayPng(grid.pixels, grid.width, grid.height);
  showPng(png);
  return savePng(png, saveAs);
}

/** Writes PNG bytes as graphs_exp/<name>.png (atomically) and returns the path. */
export function savePng(png: Uint8Array, name: string): string {
  const file = graphsFile("savePng", name, ".png");
  writeFileAtomic(file, png);
  return file;
}
