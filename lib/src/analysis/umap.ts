// UMAP through umap-js, driven for speed: exact neighbours from the matmul kernels
// instead of its approximate search, its fuzzy graph built and held in typed arrays
// instead of string-keyed Maps (umap_graph.ts), no search graph (only transform() needs
// one), a seeded random source, and its layout epochs run over typed arrays
// (umap_layout.ts). NOTE: the speed-ups replace three private umap-js methods
// (nearestNeighbors via setPrecomputedKNN, fuzzySimplicialSet, makeSearchGraph), hand
// its fit a graph object that is not its SparseMatrix, and read and write its
// optimizationState. test/umap.test.ts checks that the result equals stock umap-js on
// the same neighbours (bit for bit with layout "umap-js", epoch by epoch with "typed"),
// so an upgrade that changes those internals fails loudly instead of silently changing
// the embedding.
import { UMAP } from "umap-js";
import { SparseMatrix } from "umap-js/dist/matrix";
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { exactKnn, Neighbors } from "./neighbors";
import { checkInt, checkOneOf, checkPositive, checkSeed } from "../validate";
import { liveLine } from "../train/progress";
import { FuzzyGraph, fuzzyUnion } from "./umap_graph";
import { TypedLayout, UmapOptimizationState } from "./umap_layout";

export interface UmapOptions {
  /** Neighbours per point. Default 15. */
  nNeighbors?: number;
  /** How tightly points may pack in the embedding. Default 0.1. */
  minDist?: number;
  /** Optimisation epochs. Default: umap-js's rule (200 above 7,500 points, up to 500 below). */
  nEpochs?: number;
  /** Seed of the random source (initial layout, negative sampling). Default 0. */
  seed?: number;
  /**
   * Who runs the layout epochs: "typed" (default) is umap-js's update rule over typed
   * arrays, about twice as fast; "umap-js" is its own optimizeLayoutStep, for checking.
   */
  layout?: "typed" | "umap-js";
  /** Called after each epoch. */
  onEpoch?: (epoch: number, total: number) => void;
  /** Show a live progress line with this label (notebook and headless terminal). */
  progress?: string;
}

export interface UmapResult {
  /** (n, 2) coordinates. */
  embedding: Matrix;
  epochs: number;
  /** Wall time of each phase in seconds. */
  seconds: { neighbors: number; graph: number; layout: number; total: number };
}

/** A fast seeded uniform [0, 1) source for umap-js: xorshift128+ on 32-bit halves (Marsaglia). */
export function seededRandom(seed: number): () => number {
  let s0 = (checkSeed("seed", seed) ^ 0x9e3779b9) >>> 0 || 1;
  let s1 = Math.imul(s0, 0x85ebca6b) >>> 0 || 2;
  let s2 = Math.imul(s1 ^ (s1 >>> 13), 0xc2b2ae35) >>> 0 || 3;
  let s3 = (s0 ^ s1 ^ s2 ^ 0x27d4eb2f) >>> 0 || 4;
  return () => {
    // xoshiro128+ : good enough for sampling, one 32-bit draw per call.
    const result = (s0 + s3) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result / 4294967296;
  };
}

/** umap-js's private surface that this driver uses (see the NOTE above). */
interface UmapInternals {
  nNeighbors: number;
  localConnectivity: number;
  smoothKNNDistance(distances: number[][], k: number, localConnectivity: number): { sigmas: number[]; rhos: number[] };
  computeMembershipStrengths(indices: number[][], distances: number[][], sigmas: number[], rhos: number[]): { rows: number[]; cols: number[]; vals: number[] };
  fuzzySimplicialSet(x: unknown, nNeighbors: number, setOpMixRatio: number): FuzzyGraph;
  makeSearchGraph(x: unknown): SparseMatrix;
  optimizationState: UmapOptimizationState;
}

/** Embeds the rows of x in 2-D. */
export function runUmap(x: Matrix, options: UmapOptions = {}): UmapResult {
  const nNeighbors = checkInt("nNeighbors", options.nNeighbors ?? 15, 2);
  const minDist = checkPositive("minDist", options.minDist ?? 0.1);
  const layoutEngine = checkOneOf("layout", options.layout ?? "typed", ["typed", "umap-js"] as const);
  if (x.rows <= nNeighbors) throw new ShapeError(`UMAP needs more points (${x.rows}) than nNeighbors (${nNeighbors})`);
  const started = performance.now();
  const knn: Neighbors = exactKnn(x, nNeighbors);
  const indices = Array.from({ length: x.rows }, (_, i) => Array.from(knn.indices.subarray(i * nNeighbors, (i + 1) * nNeighbors)));
  const distances = Array.from({ length: x.rows }, (_, i) => Array.from(knn.distances.subarray(i * nNeighbors, (i + 1) * nNeighbors)));
  const afterNeighbors = performance.now();

  const random = seededRandom(options.seed ?? 0);
  const umap = new UMAP({ nNeighbors, minDist, nComponents: 2, nEpochs: options.nEpochs, random });
  umap.setPrecomputedKNN(indices, distances);
  // umap-js's internals are private in its types; this driver documents and tests what it uses.
  const internals = umap as unknown as UmapInternals;
  internals.fuzzySimplicialSet = () => {
    const { sigmas, rhos } = internals.smoothKNNDistance(distances, nNeighbors, internals.localConnectivity);
    const { rows, cols, vals } = internals.computeMembershipStrengths(indices, distances, sigmas, rhos);
    return fuzzyUnion(rows, cols, vals, x.rows);
  };
  internals.makeSearchGraph = () => new SparseMatrix([], [], [], [x.rows, x.rows]);
  // umap-js wants the points only for their count once the neighbours are known.
  const line = options.progress === undefined ? null : liveLine(options.progress);
  line?.update(`neighbours of ${x.rows} points in ${((afterNeighbors - started) / 1000).toFixed(1)} s, building the graph`);
  const epochs = umap.initializeFit(Array.from({ length: x.rows }, () => []));
  const afterGraph = performance.now();
  // The typed layout continues umap-js's random stream where its initial layout left it.
  const typed = layoutEngine === "typed" ? new TypedLayout(internals.optimizationState, random) : null;
  for (let e = 0; e < epochs; e++) {
    if (typed !== null) typed.step(e);
    else umap.step();
    options.onEpoch?.(e + 1, epochs);
    if (line !== null && (e + 1) % 10 === 0) {
      const perEpoch = (performance.now() - afterGraph) / 1000 / (e + 1);
      line.update(`epoch ${e + 1}/${epochs} | ${(perEpoch * 1000).toFixed(0)} ms/epoch, ETA ${Math.round(perEpoch * (epochs - e - 1))} s`);
    }
  }
  typed?.writeBack();
  const embedding = Matrix.fromRows(umap.getEmbedding());
  const end = performance.now();
  line?.finish(`${epochs} epochs; ${((end - started) / 1000).toFixed(1)} s in all`);
  return {
    embedding,
    epochs,
    seconds: {
      neighbors: (afterNeighbors - started) / 1000,
      graph: (afterGraph - afterNeighbors) / 1000,
      layout: (end - afterGraph) / 1000,
      total: (end - started) / 1000,
    },
  };
}
