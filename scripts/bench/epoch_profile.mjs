// Where a training epoch's time goes: one epoch of the benchmark autoencoder (as ae.mjs)
// or of Lab 2E's MLP classifier (784-256-128-10, ReLU, batch 64, weight decay 1e-4) on
// seeded random data, under V8's sampling profiler, summarised as self time per function.
// Not a benchmark (the profiler costs a little): it says which loop to look at next.
// Usage: node scripts/bench/epoch_profile.mjs ae|mlp [ROWS] [TOP]
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
const [kind = "ae", rowsArg = "20000", topArg = "25"] = process.argv.slice(2);
if (!["ae", "mlp"].includes(kind)) {
  console.error("usage: node scripts/bench/epoch_profile.mjs ae|mlp [ROWS] [TOP]");
  process.exit(2);
}
const rows = Number(rowsArg);
const rng = new nn.Rng(1);
const x = new nn.Matrix(rows, 784);
for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
const labels = Int32Array.from({ length: rows }, () => Math.floor(rng.uniform() * 10));
const setup =
  kind === "ae"
    ? {
        model: new nn.Autoencoder({ encDims: [256, 128], decDims: [256], activation: "relu", outputActivation: "sigmoid", seed: 1 }),
        data: { x, y: x },
        settings: { epochs: 1, batchSize: 128, lr: 0.1, seed: 1 },
      }
    : {
        model: new nn.MLPClassifier({ hiddenDims: [256, 128], activation: "relu", init: "he", inputDim: 784, numClasses: 10, seed: 1 }),
        data: { x, y: labels },
        settings: { epochs: 1, batchSize: 64, lr: 0.1, weightDecay: 1e-4, lrSchedule: "cosine", seed: 1 },
      };
const warm = nn.takeRows(
  x,
  Int32Array.from({ length: 1280 }, (_, i) => i),
);
nn.fit(setup.model, { x: warm, y: kind === "ae" ? warm : labels.subarray(0, 1280) }, setup.settings); // JIT, buffers, BLAS threads

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
const started = process.hrtime.bigint();
nn.fit(setup.model, setup.data, setup.settings);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const { profile } = await session.post("Profiler.stop");

// Self time per function. A call into the addon shows as an anonymous frame without a
// file; it is named after the JavaScript function that made it ("native, from gemm ...").
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
const name = (node) => {
  const f = node.callFrame;
  return `${f.functionName || "(anonymous)"} ${f.url ? `${f.url.replace(/^.*\/lib\//, "lib/")}:${f.lineNumber + 1}` : ""}`.trim();
};
const self = new Map();
for (const node of profile.nodes) {
  const from = parent.get(node.id);
  const native = !node.callFrame.url && node.callFrame.functionName === "" && from?.callFrame.url;
  // The inspector's own "dispatch" (starting and stopping the profiler) is not the epoch's.
  const key = native ? `native, from ${name(from)}` : node.callFrame.functionName === "dispatch" && !node.callFrame.url ? "(profiler)" : name(node);
  self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${kind} epoch, ${rows} rows: ${seconds.toFixed(2)} s under the profiler; ${nn.describeBackend()}`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) {
  console.log(`${(us / 1e3).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
