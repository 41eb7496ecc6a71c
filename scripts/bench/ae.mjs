// Child of run.mjs: one training epoch of the benchmark autoencoder with lib's
// Autoencoder + fit on the active backend, as one JSON line. The model and the work per
// step match ae_numpy.py: 784-256-128-256-784, ReLU, sigmoid output, MSE, SGD, batch 128.
// Usage: node ae.mjs ROWS SEED
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
const [rows, seed] = process.argv.slice(2).map(Number);
const rng = new nn.Rng(seed);
// Random pixels in [0, 1): the speed of this model does not depend on the values.
const x = new nn.Matrix(rows, 784);
for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
const model = new nn.Autoencoder({ encDims: [256, 128], decDims: [256], activation: "relu", outputActivation: "sigmoid", seed });
const settings = { epochs: 1, batchSize: 128, lr: 0.1, seed };
const warm = nn.takeRows(
  x,
  Int32Array.from({ length: 1280 }, (_, i) => i),
);
nn.fit(model, { x: warm, y: warm }, settings); // warm-up: JIT, buffers, BLAS threads
const started = process.hrtime.bigint();
const history = nn.fit(model, { x, y: x }, settings);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const status = nn.backendStatus();
console.log(
  JSON.stringify({
    backend: status.name,
    detail: status.detail,
    kernel: status.kernel?.core ?? null,
    seconds,
    loss: history.trainLoss[0],
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
