// Charts: figures are plain data, HTML embeds them safely, saved pages are complete
// and written atomically, decision grids ask the model about every grid point.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { History, MLPClassifier, Matrix, fit, makeSpirals, plot } from "../src";
import { throttledEpochs } from "../src/plot/live";

const history: History = {
  metricName: "accuracy",
  epoch: [1, 2],
  trainLoss: [1, 0.5],
  trainMetric: [0.5, 0.75],
  valLoss: [1.1, 0.6],
  valMetric: [0.4, 0.7],
  seconds: [0.1, 0.1],
  lr: [0.1, 0.1],
};

test("learning curves have a train and a val line per run", () => {
  const fig = plot.learningCurves({ a: history, b: { ...history, valMetric: [] } }, "metric", "accuracy");
  assert.deepEqual(
    fig.data.map((t) => t.name),
    ["a: train", "a: val", "b: train"],
  );
  assert.deepEqual(fig.data[1].y, [0.4, 0.7]);
  assert.deepEqual((fig.layout.yaxis as { title: { text: string } }).title.text, "accuracy");
  const valOnly = plot.learningCurves({ a: history, b: history }, "metric", "accuracy", { only: "val" });
  assert.deepEqual(
    valOnly.data.map((t) => t.name),
    ["a: val", "b: val"],
  );
});

test("htmlTable formats numbers and escapes text", () => {
  const html = plot.htmlTable([{ model: "<b>", acc: 0.98765, epochs: 300, tiny: 1.5e-7 }]);
  assert.match(html, /<th>model<\/th><th>acc<\/th><th>epochs<\/th><th>tiny<\/th>/);
  assert.match(html, /<td>&lt;b&gt;<\/td><td>0\.9877<\/td><td>300<\/td><td>1\.500e-7<\/td>/);
});

test("figure HTML cannot be broken out of by data, and typed arrays become lists", () => {
  const fig: plot.Figure = { data: [{ type: "scatter", name: "</script><b>x", y: Float32Array.from([1, NaN]) }], layout: {} };
  const html = plot.figureHtml(fig);
  assert.equal(html.match(/<\/script>/g)?.length, 1, "only the closing tag of the chart script");
  assert.match(html, /"y":\[1,null\]/);
  assert.match(html, /window\.Plotly\.newPlot\("nnfs-plot-[0-9a-f]{12}"/);
});

test("an embedding scatter with images carries a sprite of them, tile i for point i", () => {
  // Three 2×2 images: image i has the value i/2 everywhere.
  const pixels = Matrix.fromValues(3, 4, [0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
  const points = Matrix.fromValues(3, 2, [0, 0, 1, 1, 2, 2]);
  const fig = plot.embeddingScatter(points, Int32Array.from([1, 0, 1]), ["a", "b"], "t", Int32Array.from([10, 11, 12]), {
    pixels,
    tileWidth: 2,
    tileHeight: 2,
  });
  assert.deepEqual(
    fig.data[1].customdata,
    [
      [10, 0],
      [12, 2],
    ],
    "class b: [index shown, tile]",
  );
  const sprite = fig.hoverImages;
  assert.ok(sprite !== undefined);
  assert.deepEqual([sprite.columns, sprite.count, sprite.tileWidth, sprite.tileHeight], [3, 3, 2, 2]);
  const png = Buffer.from(sprite.sprite.replace(/^data:image\/png;base64,/, ""), "base64");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [6, 2], "a 6×2 sheet: three 2×2 tiles in a row");
  const html = plot.figureHtml(fig);
  assert.match(html, /class="nnfs-hover-image"/);
  assert.match(html, /gd\.on\('plotly_hover'/);
  assert.equal(html.split(sprite.sprite).length, 2, "the sprite is in the page once");
  assert.throws(
    () =>
      plot.embeddingScatter(points, Int32Array.from([0, 0, 0]), ["a"], "t", undefined, {
        pixels: Matrix.fromValues(2, 4, new Array(8).fill(0)),
        tileWidth: 2,
        tileHeight: 2,
      }),
    /2 images for 3 points/,
  );
  assert.throws(() => plot.hoverImages(pixels, 3, 2), /rows of 4 values are not 3×2 images/);
});

test("the plotly bundle is one script that then draws the charts waiting for it", () => {
  const script = plot.plotlyBundleScript();
  assert.ok(script.length > 3_000_000, `bundle is ${script.length} characters`);
  assert.match(script, /^<script type="text\/javascript">\n/);
  assert.match(script, /window\.__nnfsPlots \|\| \[\]\)\.splice\(0\)\.forEach/);
  assert.equal(script.match(/<\/script/gi)?.length, 1, "only the closing tag");
});

test("saveFigure writes standalone pages under graphs_exp/ that share one plotly.js beside them", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-plot-"));
  const previous = process.env.NNFS_ROOT;
  process.env.NNFS_ROOT = root;
  try {
    const file = plot.saveFigure(plot.learningCurves({ run: history }, "loss", "loss"), "curves");
    assert.equal(file, path.join(root, "graphs_exp", "curves.html"));
    const html = fs.readFileSync(file, "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<\/html>\n$/);
    assert.match(html, /<script type="text\/javascript" src="plotly\.min\.js"><\/script>/);
    assert.ok(html.length < 100_000, `the page itself is small (${html.length} characters)`);
    const shared = path.join(root, "graphs_exp", "plotly.min.js");
    assert.ok(fs.readFileSync(shared).equals(fs.readFileSync(plot.plotlyBundleFile())), "the shared file is plotly.js itself");
    // A second page reuses it: the file is not written again.
    const written = fs.statSync(shared).mtimeMs;
    plot.saveFigure(plot.learningCurves({ run: history }, "metric", "metric"), "curves2");
    assert.equal(fs.statSync(shared).mtimeMs, written);
    assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ["curves.html", "curves2.html", "plotly.min.js"], "no temporary file left behind");
    assert.throws(() => plot.saveFigure(plot.learningCurves({ run: history }, "loss", "loss"), "../escape"), /plain file name/);
  } finally {
    if (previous === undefined) delete process.env.NNFS_ROOT;
    else process.env.NNFS_ROOT = previous;
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("decisionGrid asks the model about every grid point, row by row", () => {
  const x = Matrix.fromRows([
    [0, 0],
    [1, 2],
  ]);
  // Class 1 right of x₁ = 0.5, class 0 left of it.
  const grid = plot.decisionGrid((p) => Int32Array.from({ length: p.rows }, (_, i) => (p.get(i, 0) > 0.5 ? 1 : 0)), x, 5, 0);
  assert.deepEqual(grid.xs, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(grid.ys, [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(grid.z, Array(5).fill([0, 0, 0, 1, 1]));
  const fig = plot.decisionRegions(grid, x, Int32Array.from([0, 1]), "regions", ["left", "right"]);
  assert.deepEqual(
    fig.data.map((t) => t.name),
    ["prediction", "left", "right"],
  );
});

test("showing a chart outside a notebook explains what to do instead", () => {
  assert.throws(() => plot.showFigure(plot.learningCurves({ run: history }, "loss", "loss")), /tslab|notebook/);
});

test("live curves following a run draw its first and last epochs, and in between at most every minSeconds", () => {
  let now = 0;
  const drawn: number[] = [];
  const onEpoch = throttledEpochs(
    (h) => drawn.push(h.epoch.length),
    0.25,
    () => now,
  );
  const epochs = 10;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    now += 0.1; // an epoch takes 0.1 s
    onEpoch({ ...history, epoch: Array.from({ length: epoch }, (_, i) => i + 1) }, { epochs, last: epoch === epochs });
  }
  assert.deepEqual(drawn, [1, 4, 7, 10]);
  // Early stopping: the epoch that stops is drawn though fewer than minSeconds passed.
  const stopped: number[] = [];
  const follow = throttledEpochs(
    (h) => stopped.push(h.epoch.length),
    10,
    () => 0,
  );
  follow({ ...history, epoch: [1] }, { epochs, last: false });
  follow({ ...history, epoch: [1, 2] }, { epochs, last: false });
  follow({ ...history, epoch: [1, 2, 3] }, { epochs, last: true });
  assert.deepEqual(stopped, [1, 3]);
});

test("fit tells onEpoch the epochs asked for and which epoch is the last, early stopping included", () => {
  const data = makeSpirals({ pointsPerClass: 20, classes: 2, noise: 0.1, seed: 0 });
  const seen: [number, number, boolean][] = [];
  const model = new MLPClassifier({ inputDim: 2, hiddenDims: [4], numClasses: 2, seed: 0 });
  fit(model, data, { epochs: 3, batchSize: 8, lr: 0.1, onEpoch: (h, p) => seen.push([h.epoch.length, p.epochs, p.last]) });
  assert.deepEqual(seen, [
    [1, 3, false],
    [2, 3, false],
    [3, 3, true],
  ]);
  const stoppedAt: boolean[] = [];
  // Steps too small to change a float32 weight never improve the validation loss: patience 1 stops early.
  fit(new MLPClassifier({ inputDim: 2, hiddenDims: [4], numClasses: 2, seed: 0 }), data, {
    epochs: 50,
    batchSize: 8,
    lr: 1e-30,
    val: data,
    earlyStopping: { patience: 1 },
    onEpoch: (_, p) => stoppedAt.push(p.last),
  });
  assert.ok(stoppedAt.length < 50 && stoppedAt.at(-1) === true && stoppedAt.slice(0, -1).every((last) => !last), JSON.stringify(stoppedAt));
});
