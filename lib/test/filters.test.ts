// Learned-filter maths on tiny models whose effective weights are worked out by hand.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertAllClose } from "./support/close";
import { Autoencoder, BatchNorm1d, Linear, Matrix, filterTiles, layer1Filters, layer2Backprojection } from "../src";

const W0 = [
  [1, 0, 2],
  [0, 1, 0],
  [1, 1, 1],
  [0, 0, -1],
];
const W1 = [
  [1, -1],
  [0, 2],
  [1, 0],
];

function close(m: Matrix, expected: number[][], what: string): void {
  assert.deepEqual([m.rows, m.cols], [expected.length, expected[0].length], what);
  assertAllClose(m.data, expected.flat(), 1e-5, what);
}

function tinyModel(useBatchNorm: boolean): Autoencoder {
  const model = new Autoencoder({ inputDim: 4, encDims: [3, 2], decDims: [], useBatchNorm });
  const [fc0, fc1] = model.encoder.layers.filter((l): l is Linear => l instanceof Linear);
  fc0.weight.value.data.set(W0.flat());
  fc1.weight.value.data.set(W1.flat());
  if (useBatchNorm) {
    const [bn0, bn1] = model.encoder.layers.filter((l): l is BatchNorm1d => l instanceof BatchNorm1d);
    // √(var + ε) = [2, 1, 0.5] and [1, 3], so γ/√(var + ε) = [1, 1, 2] and [1, 2].
    bn0.gamma.value.data.set([2, 1, 1]);
    bn0.runningVar.value.data.set([4 - bn0.eps, 1 - bn0.eps, 0.25 - bn0.eps]);
    bn1.gamma.value.data.set([1, 6]);
    bn1.runningVar.value.data.set([1 - bn1.eps, 9 - bn1.eps]);
  }
  return model;
}

test("without BatchNorm the filters are the weights and the back-projection is W0·W1", () => {
  const model = tinyModel(false);
  close(layer1Filters(model), W0, "layer 1");
  close(
    layer2Backprojection(model),
    [
      [3, -1],
      [0, 2],
      [2, 1],
      [-1, 0],
    ],
    "layer 2",
  );
});

test("with BatchNorm each unit is scaled by γ/√(running_var + ε) before projecting", () => {
  const model = tinyModel(true);
  // W0·diag(1, 1, 2)
  close(
    layer1Filters(model),
    [
      [1, 0, 4],
      [0, 1, 0],
      [1, 1, 2],
      [0, 0, -2],
    ],
    "layer 1",
  );
  // W0_eff · W1·diag(1, 2)
  close(
    layer2Backprojection(model),
    [
      [5, -2],
      [0, 4],
      [3, 2],
      [-2, 0],
    ],
    "layer 2",
  );
});

test("filter tiles: one tile per unit, symmetric range, 0.5 for zero", () => {
  const tiles = filterTiles(
    Matrix.fromRows([
      [5, 0],
      [0, 0],
      [3, 0],
      [-2, 0],
    ]),
  );
  assert.deepEqual([tiles.rows, tiles.cols], [2, 4]);
  close(
    tiles,
    [
      [1, 0.5, 0.8, 0.3],
      [0.5, 0.5, 0.5, 0.5],
    ],
    "tiles",
  );
  assert.throws(() => layer2Backprojection(new Autoencoder({ inputDim: 4, encDims: [2], decDims: [] })), /at least 2 layers/);
});
