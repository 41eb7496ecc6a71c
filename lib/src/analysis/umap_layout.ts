// umap-js 1.4.0's layout epoch (UMAP.optimizeLayoutStep) over typed arrays. umap-js still
// builds the graph, the sampling schedule, the curve parameters a and b and the initial
// layout; this runs the epochs on its optimisation state. Two changes, both for speed:
// the layout lives in one Float64Array instead of 10,000 small arrays, and d^b is taken
// once per sample as exp(b·ln d) — umap-js calls Math.pow up to twice, and Node 20's
// Math.pow costs ~70 ns, about half of its whole epoch. The update rule, the order of
// the updates and the random draws are umap-js's; test/umap.test.ts checks that the two
// stay together epoch by epoch.

/** The part of umap-js's optimizationState that an epoch reads and writes (see NOTE in umap.ts). */
export interface UmapOptimizationState {
  head: number[];
  tail: number[];
  headEmbedding: number[][];
  tailEmbedding: number[][];
  epochsPerSample: number[];
  epochOfNextSample: number[];
  epochOfNextNegativeSample: number[];
  epochsPerNegativeSample: number[];
  moveOther: boolean;
  initialAlpha: number;
  alpha: number;
  gamma: number;
  a: number;
  b: number;
  dim: number;
  nEpochs: number;
  nVertices: number;
  currentEpoch: number;
}

const CLIP = 4.0;
const clip = (v: number): number => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);

/** The epochs of one umap-js fit, run on typed copies of its state. */
export class TypedLayout {
  private readonly xy: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly epochsPerSample: Float64Array;
  private readonly nextSample: Float64Array;
  private readonly nextNegative: Float64Array;
  private readonly epochsPerNegative: Float64Array;

  constructor(
    private readonly state: UmapOptimizationState,
    private readonly random: () => number,
  ) {
    const s = state;
    if (s.dim !== 2 || !s.moveOther || s.headEmbedding !== s.tailEmbedding) {
      throw new Error(`TypedLayout handles a 2-D fit only (dim ${s.dim}, moveOther ${s.moveOther}); use the stock umap-js layout`);
    }
    const n = s.headEmbedding.length;
    this.xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      this.xy[2 * i] = s.headEmbedding[i][0];
      this.xy[2 * i + 1] = s.headEmbedding[i][1];
    }
    this.head = Int32Array.from(s.head);
    this.tail = Int32Array.from(s.tail);
    this.epochsPerSample = Float64Array.from(s.epochsPerSample);
    this.nextSample = Float64Array.from(s.epochOfNextSample);
    this.nextNegative = Float64Array.from(s.epochOfNextNegativeSample);
    this.epochsPerNegative = Float64Array.from(s.epochsPerNegativeSample);
  }

  /** One epoch, numbered n from 0: umap-js's optimizeLayoutStep(n). */
  step(n: number): void {
    const { xy, head, tail, epochsPerSample, nextSample, nextNegative, epochsPerNegative, random } = this;
    const { a, b, alpha, gamma, nVertices } = this.state;
    for (let i = 0; i < epochsPerSample.length; i++) {
      if (nextSample[i] > n) continue;
      const j = 2 * head[i];
      const k = 2 * tail[i];
      // Attraction along the edge, applied to both ends (dimension by dimension, as umap-js).
      const dx = xy[j] - xy[k];
      const dy = xy[j + 1] - xy[k + 1];
      const d2 = dx * dx + dy * dy;
      let coeff = 0;
      if (d2 > 0) {
        const powB = Math.exp(b * Math.log(d2));
        coeff = (-2.0 * a * b * (powB / d2)) / (a * powB + 1.0);
      }
      const gx = clip(coeff * dx);
      xy[j] += gx * alpha;
      xy[k] -= gx * alpha;
      const gy = clip(coeff * (xy[j + 1] - xy[k + 1]));
      xy[j + 1] += gy * alpha;
      xy[k + 1] -= gy * alpha;
      nextSample[i] += epochsPerSample[i];

      // Repulsion from random points (the head moves, the sample stays).
      const negatives = Math.floor((n - nextNegative[i]) / epochsPerNegative[i]);
      for (let p = 0; p < negatives; p++) {
        const other = Math.floor(random() * nVertices);
        const o = 2 * other;
        const ex = xy[j] - xy[o];
        const ey = xy[j + 1] - xy[o + 1];
        const e2 = ex * ex + ey * ey;
        let push = 0;
        if (e2 > 0) push = (2.0 * gamma * b) / ((0.001 + e2) * (a * Math.exp(b * Math.log(e2)) + 1));
        else if (j === o) continue;
        xy[j] += (push > 0 ? clip(push * ex) : CLIP) * alpha;
        xy[j + 1] += (push > 0 ? clip(push * (xy[j + 1] - xy[o + 1])) : CLIP) * alpha;
      }
      nextNegative[i] += negatives * epochsPerNegative[i];
    }
    this.state.alpha = this.state.initialAlpha * (1.0 - n / this.state.nEpochs);
    this.state.currentEpoch += 1;
  }

  /** Copies the layout back into umap-js's embedding rows (what getEmbedding() returns). */
  writeBack(): void {
    const rows = this.state.headEmbedding;
    for (let i = 0; i < rows.length; i++) {
      rows[i][0] = this.xy[2 * i];
      rows[i][1] = this.xy[2 * i + 1];
    }
  }
}
