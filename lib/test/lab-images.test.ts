// What the labs call instead of packing tiles and PNGs by hand: stackTiles, showImageGrid,
// and the checkpoint file names Lab 2A writes and the later labs read.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Matrix, checkpointPath, plot, processedPath, projectPath } from "../src";
import { ConfigError, ShapeError } from "../src/errors";

test("stackTiles puts the images of each block after the last block's, as float32", () => {
  const a = Matrix.fromRows(
    [
      [1, 2],
      [3, 4],
    ],
    "float64",
  );
  const b = Matrix.fromRows([[5, 6]], "float32");
  const stacked = plot.stackTiles([a, b]);
  assert.deepEqual([stacked.rows, stacked.cols, stacked.dtype], [3, 2, "float32"]);
  assert.deepEqual(Array.from(stacked.data), [1, 2, 3, 4, 5, 6]);
  assert.throws(
    () => plot.stackTiles([a, Matrix.fromRows([[1, 2, 3]])]),
    (e: unknown) => e instanceof ShapeError && /blocks\[1\] has images of 3 pixels, blocks\[0\] of 2/.test(e.message),
  );
  assert.throws(
    () => plot.stackTiles([]),
    (e: unknown) => e instanceof ShapeError && /blocks is empty/.test(e.message),
  );
});

test("reconstructionGrid is the originals' row above the reconstructions' row", () => {
  const originals = Matrix.fromRows([
    [0, 1, 0, 1],
    [1, 1, 1, 1],
  ]);
  const recon = Matrix.fromRows([
    [0.5, 0.5, 0.5, 0.5],
    [0, 0, 0, 0],
  ]);
  const grid = plot.reconstructionGrid(originals, recon, 2, 2, 1);
  const byHand = plot.tileImages(plot.stackTiles([originals, recon]), { columns: 2, tileWidth: 2, tileHeight: 2, scale: 1 });
  assert.deepEqual(grid, byHand);
  // Tiles of 2×2 with a 2-pixel grey border: tile t's top-left pixel is at (2 + 4·row, 2 + 4·column).
  const at = (row: number, column: number) => grid.pixels[(2 + 4 * row) * grid.width + 2 + 4 * column];
  assert.deepEqual([grid.width, at(0, 0), at(0, 1), at(1, 0), at(1, 1), grid.pixels[0]], [10, 0, 1, 0.5, 0, 0.5]);
});

/** PNG bytes → the 8-bit grey values of its one IDAT chunk (filter byte 0 per row). */
function grayPixels(png: Uint8Array, width: number, height: number): number[] {
  const buf = Buffer.from(png);
  const at = buf.indexOf("IDAT");
  const raw = zlib.inflateSync(buf.subarray(at + 4, at + 4 + buf.readUInt32BE(at - 4)));
  const out: number[] = [];
  for (let y = 0; y < height; y++) out.push(...raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)));
  return out;
}

test("showImageGrid shows the grid as a grayscale PNG and saves the same bytes under graphs_exp/", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-grid-"));
  const previous = process.env.NNFS_ROOT;
  // A stand-in for the tslab kernel, which the engine loads lazily by name.
  const tslabPath = require.resolve("tslab", { paths: [path.dirname(require.resolve("../src/notebook"))] });
  const shown: Uint8Array[] = [];
  const display = { html: () => undefined, text: () => undefined, png: (b: Uint8Array) => void shown.push(b) };
  const cached = require.cache[tslabPath];
  require.cache[tslabPath] = { id: tslabPath, filename: tslabPath, loaded: true, exports: { display, newDisplay: () => display } } as unknown as NodeJS.Module;
  process.env.NNFS_ROOT = root;
  try {
    const grid = { pixels: Float32Array.from([0, 1, 0.5, 1]), width: 2, height: 2 };
    const file = plot.showImageGrid(grid, "tiny_grid");
    assert.equal(file, path.join(root, "graphs_exp", "tiny_grid.png"));
    assert.equal(shown.length, 1);
    assert.ok(fs.readFileSync(file).equals(Buffer.from(shown[0])), "the saved file is what was shown");
    assert.deepEqual(grayPixels(shown[0], 2, 2), Array.from(grayPixels(plot.encodeGrayPng(grid.pixels, 2, 2), 2, 2)));
    assert.deepEqual(
      grayPixels(shown[0], 2, 2).map((v) => v > 127),
      [false, true, true, true],
    );
  } finally {
    if (cached === undefined) delete require.cache[tslabPath];
    else require.cache[tslabPath] = cached;
    if (previous === undefined) delete process.env.NNFS_ROOT;
    else process.env.NNFS_ROOT = previous;
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("checkpointPath names Lab 2A's checkpoints ae_<dataset>_<name>.safetensors, and refuses a name that is a path", () => {
  assert.equal(checkpointPath("fashion", "best_reg"), projectPath("saved_models", "ae_fashion_best_reg.safetensors"));
  assert.equal(checkpointPath("mnist", "k32", "/models"), path.join("/models", "ae_mnist_k32.safetensors"));
  for (const [dataset, name, what] of [
    ["fashion", "../best", "name"],
    ["", "best", "dataset"],
    ["fa shion", "best", "dataset"],
  ]) {
    assert.throws(
      () => checkpointPath(dataset, name),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`checkpointPath: ${what} must be`),
    );
  }
});

test("processedPath names the processed test sets ae_<dataset>_test_processed[_<variant>].npz, and refuses a name that is a path", () => {
  assert.equal(processedPath("fashion"), projectPath("outputs", "ae_fashion_test_processed.npz"));
  assert.equal(processedPath("mnist", "reg", "/out"), path.join("/out", "ae_mnist_test_processed_reg.npz"));
  assert.throws(() => processedPath("fashion", "../base"), /processedPath: variant must be letters, digits, _ or - \(got "\.\.\/base"\)/);
  assert.throws(() => processedPath("fa/shion"), /processedPath: dataset must be/);
});
