// Tiles of small images (digits, clothes, filters) laid out on one grayscale canvas,
// with a gap between tiles, scaled up by an integer factor so they are visible.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";

export interface ImageGrid {
  pixels: Float32Array;
  width: number;
  height: number;
}

export interface GridLayout {
  /** Tiles per row. */
  columns: number;
  /** Each tile's size in pixels, e.g. 28×28. */
  tileWidth: number;
  tileHeight: number;
  /** Pixels between tiles (drawn mid-gray). Default 2. */
  gap?: number;
  /** Integer magnification. Default 2. */
  scale?: number;
}

/**
 * Lays out the rows of `tiles` (each tileHeight·tileWidth values in [0, 1]) left to
 * right, top to bottom.
 */
export function tileImages(tiles: Matrix, layout: GridLayout): ImageGrid {
  const { columns, tileWidth: tw, tileHeight: th } = layout;
  const gap = layout.gap ?? 2;
  const scale = layout.scale ?? 2;
  if (tiles.cols !== tw * th) throw new ShapeError(`tileImages: rows of ${tiles.cols} values are not ${tw}×${th} tiles`);
  const rows = Math.ceil(tiles.rows / columns);
  const width = (columns * tw + (columns + 1) * gap) * scale;
  const height = (rows * th + (rows + 1) * gap) * scale;
  const pixels = new Float32Array(width * height).fill(0.5);
  for (let t = 0; t < tiles.rows; t++) {
    const left = (gap + (t % columns) * (tw + gap)) * scale;
    const top = (gap + Math.floor(t / columns) * (th + gap)) * scale;
    for (let y = 0; y < th * scale; y++) {
      for (let x = 0; x < tw * scale; x++) {
        pixels[(top + y) * width + left + x] = tiles.get(t, Math.floor(y / scale) * tw + Math.floor(x / scale));
      }
    }
  }
  return { pixels, width, height };
}

/**
 * The images of several matrices one after another, as one float32 matrix of tiles, e.g.
 * originals then their reconstructions: with `columns` = rows of one block, one block a row.
 */
export function stackTiles(blocks: readonly Matrix[]): Matrix {
  if (blocks.length === 0) throw new ShapeError("stackTiles: blocks is empty, expected at least one matrix of images");
  const cols = blocks[0].cols;
  const bad = blocks.findIndex((b) => b.cols !== cols);
  if (bad >= 0) throw new ShapeError(`stackTiles: blocks[${bad}] has images of ${blocks[bad].cols} pixels, blocks[0] of ${cols}`);
  const stacked = new Matrix(
    blocks.reduce((n, b) => n + b.rows, 0),
    cols,
    "float32",
  );
  let offset = 0;
  for (const b of blocks) {
    stacked.data.set(b.data, offset);
    offset += b.data.length;
  }
  return stacked;
}

/** Originals in the top row(s), their reconstructions below, same order. */
export function reconstructionGrid(originals: Matrix, reconstructions: Matrix, tileWidth: number, tileHeight: number, scale = 2): ImageGrid {
  if (originals.rows !== reconstructions.rows || originals.cols !== reconstructions.cols) {
    throw new ShapeError(`reconstructionGrid: originals ${originals.shape} and reconstructions ${reconstructions.shape} differ`);
  }
  return tileImages(stackTiles([originals, reconstructions]), { columns: originals.rows, tileWidth, tileHeight, scale });
}
