// Showing figures in a tslab notebook and saving them as offline HTML under graphs_exp/.
// The only place the engine talks to the kernel's display.
import * as path from "path";
import { projectPath, writeFileAtomic } from "../paths";
import { Figure, figureHtml, plotlyBundleScript, standaloneHtml } from "./plotly";

/** The part of tslab's display API used here. */
interface TslabDisplay {
  html(s: string): void;
}

function kernelDisplay(): TslabDisplay {
  let tslab: { display: TslabDisplay };
  try {
    // Loaded lazily: the engine also runs outside notebooks (tests, scripts).
    tslab = require("tslab") as { display: TslabDisplay };
  } catch {
    throw new Error("showing charts needs the tslab kernel (npm run notebooks); outside a notebook, use saveFigure or figureHtml");
  }
  return {
    html(s: string): void {
      try {
        tslab.display.html(s);
      } catch (err) {
        throw new Error(`cannot display: not inside a running tslab notebook cell (${(err as Error).message})`);
      }
    },
  };
}

/**
 * Emits the plotly.js bundle into the current cell's output. Call it once near the top
 * of a notebook, before the first chart; re-running the cell is harmless.
 */
export function setupCharts(): void {
  kernelDisplay().html(plotlyBundleScript());
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
  kernelDisplay().html(figureHtml(fig, options.height ?? 420));
}

/** Shows raw HTML (tables, notes) in the current cell's output. */
export function showHtml(html: string): void {
  kernelDisplay().html(html);
}

/**
 * Writes `fig` as a standalone offline page graphs_exp/<name>.html (atomically)
 * and returns its path.
 */
export function saveFigure(fig: Figure, name: string): string {
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`saveFigure: name must be a plain file name like "clf_curves_loss" (got ${JSON.stringify(name)})`);
  }
  const file = projectPath("graphs_exp", name.endsWith(".html") ? name : `${name}.html`);
  const title = path.basename(file, ".html");
  writeFileAtomic(file, standaloneHtml(fig, title));
  return file;
}
