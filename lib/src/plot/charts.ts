// Figures the labs draw: learning curves, decision regions, a fitted curve. Each
// returns a Figure (plain data), so it can be shown inline, saved, or tested.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import type { History } from "../training_history";
import type { Figure, Trace } from "./plotly";

/** Plotly's default colour cycle, used for classes so regions and points agree. */
export const CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function axis(title: string): Record<string, unknown> {
  return { title: { text: title }, zeroline: false };
}

/**
 * Train (dashed) and validation (solid) curves of one quantity per epoch, one colour
 * per run, e.g. learningCurves({ MLP: h1, "MLP + BatchNorm": h2 }, "loss", "Loss").
 * Losses and MSE are drawn on a log axis, so the first epochs do not flatten the rest.
 * @param which "loss" or "metric" (the histories' metric, e.g. accuracy)
 * @param options.only "val" draws the validation curves alone (many runs stay readable)
 */
export function learningCurves(runs: Record<string, History>, which: "loss" | "metric", title: string, options: { only?: "val" } = {}): Figure {
  const names = Object.keys(runs);
  if (names.length === 0) throw new Error("learningCurves needs at least one run");
  const label = which === "loss" ? "loss" : runs[names[0]].metricName;
  const data: Trace[] = [];
  names.forEach((name, i) => {
    const h = runs[name];
    const color = CLASS_COLORS[i % CLASS_COLORS.length];
    const train = which === "loss" ? h.trainLoss : h.trainMetric;
    const val = which === "loss" ? h.valLoss : h.valMetric;
    if (options.only !== "val") data.push({ type: "scatter", mode: "lines", name: `${name}: train`, x: h.epoch, y: train, line: { color, dash: "dash" } });
    if (val.length > 0) data.push({ type: "scatter", mode: "lines", name: `${name}: val`, x: h.epoch, y: val, line: { color } });
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: axis("epoch"),
      yaxis: { ...axis(label), type: label === "accuracy" ? "linear" : "log" },
      hovermode: "x unified",
    },
  };
}

export interface Grid {
  /** Grid coordinates along x (columns) and y (rows). */
  xs: number[];
  ys: number[];
  /** Predicted class at (ys[i], xs[j]) in z[i][j]. */
  z: number[][];
}

/**
 * Predicted class over a resolution × resolution grid covering the 2-D points x
 * plus a margin of `padding` times their range.
 * @param predict class per row of an (M, 2) matrix
 */
export function decisionGrid(predict: (x: Matrix) => Int32Array, x: Matrix, resolution = 150, padding = 0.1): Grid {
  if (x.cols !== 2) throw new ShapeError(`decision regions need 2-D inputs, got ${x.shape}`);
  const span = (col: number): number[] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < x.rows; i++) {
      lo = Math.min(lo, x.get(i, col));
      hi = Math.max(hi, x.get(i, col));
    }
    const pad = (hi - lo || 1) * padding;
    return Array.from({ length: resolution }, (_, k) => lo - pad + ((hi - lo + 2 * pad) * k) / (resolution - 1));
  };
  const xs = span(0);
  const ys = span(1);
  const points = new Matrix(resolution * resolution, 2, x.dtype);
  ys.forEach((yv, i) =>
    xs.forEach((xv, j) => {
      points.set(i * resolution + j, 0, xv);
      points.set(i * resolution + j, 1, yv);
    }),
  );
  const classes = predict(points);
  const z = ys.map((_, i) => Array.from(classes.subarray(i * resolution, (i + 1) * resolution)));
  return { xs, ys, z };
}

/** Shaded predicted regions with the labelled points on top. */
export function decisionRegions(grid: Grid, x: Matrix, y: Int32Array, title: string, classNames?: string[]): Figure {
  const classes = Math.max(...y) + 1;
  const names = classNames ?? Array.from({ length: classes }, (_, k) => `class ${k}`);
  // Discrete colour scale: class k owns the band [k/K, (k+1)/K] of z ∈ [−0.5, K − 0.5].
  const colorscale = Array.from({ length: classes }, (_, k) => [
    [k / classes, CLASS_COLORS[k % CLASS_COLORS.length]],
    [(k + 1) / classes, CLASS_COLORS[k % CLASS_COLORS.length]],
  ]).flat();
  const data: Trace[] = [
    {
      type: "heatmap",
      name: "prediction",
      x: grid.xs,
      y: grid.ys,
      z: grid.z,
      zmin: -0.5,
      zmax: classes - 0.5,
      colorscale,
      opacity: 0.3,
      showscale: false,
      hoverinfo: "skip",
    },
  ];
  for (let k = 0; k < classes; k++) {
    const px: number[] = [];
    const py: number[] = [];
    for (let i = 0; i < x.rows; i++) {
      if (y[i] === k) {
        px.push(x.get(i, 0));
        py.push(x.get(i, 1));
      }
    }
    data.push({
      type: "scatter",
      mode: "markers",
      name: names[k],
      x: px,
      y: py,
      marker: { color: CLASS_COLORS[k % CLASS_COLORS.length], size: 5, line: { width: 0.5, color: "white" } },
    });
  }
  return {
    data,
    layout: { title: { text: title }, xaxis: axis("x₁"), yaxis: { ...axis("x₂"), scaleanchor: "x" } },
  };
}

/** 1-D regression: the data as points and one or more fitted curves (sorted by x). */
export function regressionFit(x: Matrix, y: Matrix, curves: Array<{ name: string; x: number[]; y: number[] }>, title: string): Figure {
  const data: Trace[] = [
    { type: "scatter", mode: "markers", name: "data", x: x.data, y: y.data, marker: { size: 4, color: "#7f7f7f", opacity: 0.6 } },
    ...curves.map((c): Trace => ({ type: "scatter", mode: "lines", name: c.name, x: c.x, y: c.y, line: { width: 3 } })),
  ];
  return { data, layout: { title: { text: title }, xaxis: axis("x"), yaxis: axis("y") } };
}
