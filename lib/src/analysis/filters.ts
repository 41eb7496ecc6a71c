// What the encoder's first two layers respond to, drawn in pixel space. A hidden unit
// of layer 1 is a weighted sum of pixels: its column of W0 is its "filter". BatchNorm
// then rescales each unit by γ/√(running_var + ε) (in eval mode), so the effective
// filter is W0·diag(γ0/√(var0 + ε)). A unit of layer 2 mixes layer-1 units through
// W1_eff, so W0_eff·W1_eff projects it back onto the pixels (ignoring the ReLUs and
// shifts in between: a linear picture, not an exact one).
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { BatchNorm1d, Layer, Linear } from "../layers";
import { matmul } from "../kernels";
import type { Autoencoder } from "../models/autoencoder";

/** W·diag(scale) where scale = γ/√(running_var + ε) of the BatchNorm after it (1 without). */
function effectiveWeights(linear: Linear, bn: BatchNorm1d | null): Matrix {
  const w = linear.weight.value.astype("float64");
  if (bn === null) return w;
  const g = bn.gamma.value.data;
  const v = bn.runningVar.value.data;
  for (let i = 0; i < w.rows; i++) {
    for (let j = 0; j < w.cols; j++) w.data[i * w.cols + j] *= g[j] / Math.sqrt(v[j] + bn.eps);
  }
  return w;
}

/** The encoder's Linear layers, each with the BatchNorm that follows it (or null). */
function encoderBlocks(model: Autoencoder): Array<{ linear: Linear; bn: BatchNorm1d | null }> {
  const layers: readonly Layer[] = model.encoder.layers;
  const blocks: Array<{ linear: Linear; bn: BatchNorm1d | null }> = [];
  layers.forEach((layer, i) => {
    if (!(layer instanceof Linear)) return;
    const next = layers[i + 1];
    blocks.push({ linear: layer, bn: next instanceof BatchNorm1d ? next : null });
  });
  return blocks;
}

/** Layer-1 filters: W0_eff (inputDim, H1), one column per hidden unit. */
export function layer1Filters(model: Autoencoder): Matrix {
  const [first] = encoderBlocks(model);
  return effectiveWeights(first.linear, first.bn);
}

/** Layer-2 units projected onto the pixels: W0_eff·W1_eff (inputDim, H2). Needs ≥ 2 encoder layers. */
export function layer2Backprojection(model: Autoencoder): Matrix {
  const blocks = encoderBlocks(model);
  if (blocks.length < 2) throw new ShapeError(`layer-2 filters need an encoder of at least 2 layers (this one has encDims [${model.config.encDims}])`);
  return matmul(effectiveWeights(blocks[0].linear, blocks[0].bn), effectiveWeights(blocks[1].linear, blocks[1].bn));
}

/**
 * Columns of `filters` as image tiles (rows of the result) in [0, 1], each on its own
 * symmetric scale: 0.5 is zero, 1 is the column's largest |value| positive, 0 negative.
 * @param filters (pixels, units) @returns (units, pixels)
 */
export function filterTiles(filters: Matrix): Matrix {
  const tiles = new Matrix(filters.cols, filters.rows, "float32");
  for (let j = 0; j < filters.cols; j++) {
    let peak = 0;
    for (let i = 0; i < filters.rows; i++) peak = Math.max(peak, Math.abs(filters.get(i, j)));
    for (let i = 0; i < filters.rows; i++) tiles.set(j, i, peak === 0 ? 0.5 : 0.5 + (0.5 * filters.get(i, j)) / peak);
  }
  return tiles;
}
