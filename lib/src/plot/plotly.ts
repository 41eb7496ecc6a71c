// Plotly figures as plain data, rendered to HTML that works offline: one <script> with
// the plotly.js bundle (emitted once per notebook or page) and, per chart, a <div> plus
// a call to Plotly.newPlot. No CDN, and no reliance on the plotly mimetype, which
// nbconvert's HTML export does not render.
import * as fs from "fs";
import { randomBytes } from "crypto";
import { HoverImages, hoverPanelHtml } from "./hover_images";

/** One Plotly trace; see https://plotly.com/javascript/reference/. */
export interface Trace {
  type: string;
  name?: string;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  /** Images to show beside the chart for the hovered point (see hover_images.ts). */
  hoverImages?: HoverImages;
}

let bundleScript: string | null = null;

/**
 * A <script> that defines window.Plotly from the plotly.js-dist-min package (~4.8 MB),
 * then draws any chart that was waiting for it.
 */
export function plotlyBundleScript(): string {
  if (bundleScript === null) {
    const source = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
    // The bundle sets window.Plotly itself. "</script" inside it would end the tag early.
    bundleScript =
      '<script type="text/javascript">\n' +
      source.replace(/<\/script/gi, "<\\/script") +
      "\n;(window.__nnfsPlots || []).splice(0).forEach(function (draw) { draw(); });\n</script>";
  }
  return bundleScript;
}

/**
 * A number as a chart needs it: 6 significant digits (a float32 printed in full takes ~20
 * characters; a chart of 10,000 points carries 20,000 of them). Integers stay exact.
 */
function chartNumber(v: number): number | null {
  if (!Number.isFinite(v)) return null; // JSON has no NaN; Plotly shows a gap
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

/** JSON for embedding in a <script>: typed arrays become lists, "<" cannot close the tag. */
function scriptJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, chartNumber);
    if (typeof v === "number") return chartNumber(v);
    return v;
  });
  return json.replace(/</g, "\\u003c");
}

/** A <div> and the script that draws `fig` into it once window.Plotly exists. */
export function figureHtml(fig: Figure, height = 420): string {
  const id = `nnfs-plot-${randomBytes(6).toString("hex")}`;
  const config = { responsive: true, displaylogo: false };
  const { hoverImages, ...plot } = fig;
  const hover = hoverImages === undefined ? null : hoverPanelHtml(id, hoverImages);
  const div = `<div id="${id}" class="nnfs-plot" style="width:100%;height:${height}px"></div>`;
  const script =
    '<script type="text/javascript">(function () {\n' +
    `  var fig = ${scriptJson(plot)};\n` +
    `  function draw() { window.Plotly.newPlot(${JSON.stringify(id)}, fig.data, fig.layout, ${JSON.stringify(config)})` +
    (hover === null ? "; }\n" : `.then(function (gd) {\n${hover.attach}  }); }\n`) +
    "  if (window.Plotly) draw(); else (window.__nnfsPlots = window.__nnfsPlots || []).push(draw);\n" +
    "})();</script>";
  if (hover === null) return `${div}\n${script}`;
  return `<div style="display: flex; gap: 8px; align-items: flex-start"><div style="flex: 1 1 0; min-width: 0">${div}</div>${hover.panel}</div>\n${script}`;
}

/** The plotly.js bundle's file (plotly.js-dist-min), for pages that share one copy of it. */
export function plotlyBundleFile(): string {
  return require.resolve("plotly.js-dist-min");
}

/**
 * A complete offline HTML page showing one figure. With `plotlySrc` (a path relative to the
 * page, e.g. "plotly.min.js") the page loads plotly.js from that file beside it; else the
 * bundle is inside the page.
 */
export function standaloneHtml(fig: Figure, title: string, options: { plotlySrc?: string } = {}): string {
  const safeTitle = title.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c] ?? c);
  const bundle = options.plotlySrc === undefined ? plotlyBundleScript() : `<script type="text/javascript" src="${encodeURI(options.plotlySrc)}"></script>`;
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${safeTitle}</title>\n</head>\n<body>\n` +
    `${bundle}\n${figureHtml(fig, 560)}\n</body>\n</html>\n`
  );
}
