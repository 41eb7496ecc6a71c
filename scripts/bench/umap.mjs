// Child of run.mjs: lib's UMAP on the benchmark input, as one JSON line (time per
// phase, peak memory, trustworthiness and 5-NN accuracy of the embedding).
// Usage: node umap.mjs INPUT.npz EMBEDDING_OUT.npz
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
const [input, output] = process.argv.slice(2);
const arrays = nn.io.loadNpz(input);
const Z = nn.io.npzMatrix(arrays, "Z", input);
const result = nn.runUmap(Z, { nNeighbors: 15, minDist: 0.1, seed: 0 });
const peak = process.resourceUsage().maxRSS / 1024; // before scoring, which is not part of UMAP
nn.io.saveNpz(output, { embedding: result.embedding });
console.log(JSON.stringify({ seconds: result.seconds.total, phases: result.seconds, epochs: result.epochs, peak_rss_mb: peak }));
