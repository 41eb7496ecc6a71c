// Figures of the Lab 2 analysis notebooks: a 2-D embedding coloured by class, bars and
// boxes per class, and small images laid out as heatmaps with a caption on hover.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { CLASS_COLORS } from "./charts";
import type { Figure, Trace } from "./plotly";
import { hoverImages } from "./hover_images";

const axis = (title: string): Record<string, unknown> => ({ title: { text: title }, zeroline: false });

/** The images of the points of an embeddingScatter, one row per point. */
export interface PointImages {
  pixels: Matrix;
  tileWidth: number;
  tileHeight: number;
}

/**
 * One scatter trace per class (click the legend to hide or show a class); hovering a
 * point shows its class and its index in the original data, and its image when given.
 * @param points (N, 2) @param labels (N) @param index (N) the points' indices to show (default 0..N-1)
 * @param images the N points' images, shown beside the chart for the hovered point
 */
export function embeddingScatter(points: Matrix, labels: Int32Array, classNames: string[], title: string, index?: Int32Array, images?: PointImages): Figure {
  if (points.cols !== 2 || labels.length !== points.rows)
    throw new ShapeError(`embeddingScatter: need (N, 2) points and N labels, got ${points.shape} and ${labels.length}`);
  if (index !== undefined && index.length !== points.rows) throw new ShapeError(`embeddingScatter: ${index.length} indices for ${points.rows} points`);
  if (images !== undefined && images.pixels.rows !== points.rows)
    throw new ShapeError(`embeddingScatter: ${images.pixels.rows} images for ${points.rows} points`);
  const data: Trace[] = classNames.map((name, c) => {
    const x: number[] = [];
    const y: number[] = [];
    const ids: Array<[number, number]> = []; // [index shown, row of the point (its image)]
    for (let i = 0; i < points.rows; i++) {
      if (labels[i] !== c) continue;
      x.push(points.get(i, 0));
      y.push(points.get(i, 1));
      ids.push([index ? index[i] : i, i]);
    }
    return {
      type: "scatter",
      mode: "markers",
      name,
      x,
      y,
      customdata: ids,
      hovertemplate: `${name}<br>test image #%{customdata[0]}<extra></extra>`,
      marker: { size: 3, opacity: 0.7, color: CLASS_COLORS[c % CLASS_COLORS.length] },
    };
  });
  const layout = { title: { text: title }, xaxis: axis(""), yaxis: { ...axis(""), scaleanchor: "x" }, legend: { itemsizing: "constant" } };
  if (images === undefined) return { data, layout };
  return { data, layout, hoverImages: hoverImages(images.pixels, images.tileWidth, images.tileHeight) };
}

/** A bar per category. */
export function barChart(categories: string[], values: number[], title: string, valueLabel: string): Figure {
  return {
    data: [{ type: "bar", name: valueLabel, x: categories, y: values, marker: { color: CLASS_COLORS[0] }, hovertemplate: `%{x}: %{y:.5f}<extra></extra>` }],
    layout: { title: { text: title }, yaxis: axis(valueLabel) },
  };
}

/** Box plots of values per class, one colour per series (e.g. per model), grouped. */
export function boxesByClass(
  series: Array<{ name: string; values: ArrayLike<number>; labels: Int32Array }>,
  classNames: string[],
  title: string,
  valueLabel: string,
): Figure {
  const data: Trace[] = series.map((s, k) => ({
    type: "box",
    name: s.name,
    x: Array.from(s.labels, (c) => classNames[c]),
    y: Array.from(s.values),
    boxpoints: false,
    marker: { color: CLASS_COLORS[k % CLASS_COLORS.length] },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      boxmode: "group",
      xaxis: { categoryorder: "array", categoryarray: classNames },
      yaxis: { ...axis(valueLabel), type: "log" },
    },
  };
}

/**
 * Small grayscale images as one heatmap trace each, laid out in a grid; hovering an
 * image shows its caption. Pixels in [0, 1], 0 black.
 * @param images (count, width·height)
 */
export function imageTilesFigure(images: Matrix, captions: string[], columns: number, width: number, height: number, title: string): Figure {
  if (images.cols !== width * height || captions.length !== images.rows)
    throw new ShapeError(`imageTilesFigure: ${images.shape} images, ${captions.length} captions, ${width}×${height} tiles`);
  const gap = 2;
  const data: Trace[] = [];
  for (let t = 0; t < images.rows; t++) {
    const z = Array.from({ length: height }, (_, r) => Array.from(images.row(t).subarray(r * width, (r + 1) * width)));
    data.push({
      type: "heatmap",
      name: captions[t],
      z,
      x0: (t % columns) * (width + gap),
      dx: 1,
      y0: Math.floor(t / columns) * (height + gap),
      dy: 1,
      zmin: 0,
      zmax: 1,
      colorscale: [
        [0, "#000000"],
        [1, "#ffffff"],
      ],
      showscale: false,
      hovertemplate: `${captions[t].replace(/</g, "&lt;")}<extra></extra>`,
    });
  }
  const rows = Math.ceil(images.rows / columns);
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { visible: false, constrain: "domain" },
      yaxis: { visible: false, autorange: "reversed", scaleanchor: "x" },
      height: Math.max(200, rows * 110 + 80),
      margin: { l: 10, r: 10, t: 50, b: 10 },
    },
  };
}

/** A confusion matrix as a heat map, rows = true class, columns = predicted, counts written in. */
export function confusionHeatmap(cm: number[][], classNames: string[], title: string): Figure {
  return {
    data: [
      {
        type: "heatmap",
        name: "count",
        z: cm,
        x: classNames,
        y: classNames,
        colorscale: "Blues",
        text: cm.map((row) => row.map(String)),
        texttemplate: "%{text}",
        hovertemplate: "true %{y}, predicted %{x}: %{z}<extra></extra>",
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: "predicted" }, tickangle: -30 },
      yaxis: { title: { text: "true" }, autorange: "reversed" },
      margin: { l: 110, b: 110 },
    },
  };
}

/** Lines of means with ± error bars (e.g. over seeds), one per series. */
export function errorBarChart(
  series: Array<{ name: string; x: number[]; mean: number[]; std: number[] }>,
  title: string,
  xLabel: string,
  yLabel: string,
  logX = false,
): Figure {
  const data: Trace[] = series.map((s, k) => ({
    type: "scatter",
    mode: "lines+markers",
    name: s.name,
    x: s.x,
    y: s.mean,
    error_y: { type: "data", array: s.std, visible: true },
    line: { color: CLASS_COLORS[k % CLASS_COLORS.length] },
  }));
  return { data, layout: { title: { text: title }, xaxis: { ...axis(xLabel), type: logX ? "log" : "linear" }, yaxis: axis(yLabel), hovermode: "x unified" } };
}

/**
 * Differences from a baseline (e.g. codes − raw pixels) with error bars, one line per series;
 * points where `marked` is true (a difference beyond its error bar) are drawn filled and
 * larger, the others hollow. A dashed line marks zero: no difference.
 */
export function differenceChart(
  series: Array<{ name: string; x: number[]; y: number[]; error: number[]; marked: boolean[] }>,
  title: string,
  xLabel: string,
  yLabel: string,
  logX = true,
): Figure {
  const data: Trace[] = series.map((s, k) => ({
    type: "scatter",
    mode: "lines+markers",
    name: s.name,
    x: s.x,
    y: s.y,
    error_y: { type: "data", array: s.error, visible: true, thickness: 1 },
    line: { color: CLASS_COLORS[k % CLASS_COLORS.length], width: 1.5 },
    marker: {
      size: s.marked.map((m) => (m ? 11 : 7)),
      symbol: s.marked.map((m) => (m ? "circle" : "circle-open")),
      color: CLASS_COLORS[k % CLASS_COLORS.length],
    },
  }));
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { ...axis(xLabel), type: logX ? "log" : "linear" },
      yaxis: { ...axis(yLabel), zeroline: true, zerolinewidth: 2, zerolinecolor: "#888" },
      hovermode: "x unified",
      legend: { orientation: "h", y: -0.25 },
    },
  };
}
