// umap-js's fuzzy graph over typed arrays. umap-js keeps sparse matrices in a Map keyed
// by "row:col" strings; building one with 200,000 entries costs ~0.2 s and its fit builds
// several. This builds the graph row by row and hands umap-js an object with the few
// SparseMatrix methods its fit() calls on the graph (see the NOTE in umap.ts).

/** One graph entry as umap-js's SparseMatrix.getAll() gives it. */
export interface GraphEntry {
  row: number;
  col: number;
  value: number;
}

/**
 * A square sparse matrix with entries sorted by (row, col), offering what umap-js 1.4.0's
 * fit reads from its graph: nRows, nCols, getDims, getRows, getCols, getValues,
 * map (which keeps zeros, as umap-js's does) and getAll (sorted, as umap-js's).
 */
export class FuzzyGraph {
  constructor(
    readonly rows: Int32Array,
    readonly cols: Int32Array,
    readonly values: Float64Array,
    readonly nRows: number,
    readonly nCols: number,
  ) {}

  getDims(): number[] {
    return [this.nRows, this.nCols];
  }

  getRows(): number[] {
    return Array.from(this.rows);
  }

  getCols(): number[] {
    return Array.from(this.cols);
  }

  getValues(): number[] {
    return Array.from(this.values);
  }

  map(fn: (value: number, row: number, col: number) => number): FuzzyGraph {
    const values = this.values.map((v, e) => fn(v, this.rows[e], this.cols[e]));
    return new FuzzyGraph(this.rows, this.cols, values, this.nRows, this.nCols);
  }

  getAll(): GraphEntry[] {
    return Array.from(this.values, (value, e) => ({ row: this.rows[e], col: this.cols[e], value }));
  }
}

/** Compressed rows of the sparse matrix (from[e], to[e]) = vals[e], zero entries dropped. */
function compressedRows(from: number[], to: number[], vals: number[], n: number): { start: Int32Array; to: Int32Array; val: Float64Array } {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < vals.length; e++) if (vals[e] !== 0) start[from[e] + 1]++;
  for (let r = 0; r < n; r++) start[r + 1] += start[r];
  const fill = start.slice(0, n);
  const target = new Int32Array(start[n]);
  const val = new Float64Array(start[n]);
  for (let e = 0; e < vals.length; e++) {
    if (vals[e] === 0) continue;
    const at = fill[from[e]]++;
    target[at] = to[e];
    val[at] = vals[e];
  }
  return { start, to: target, val };
}

/**
 * The symmetric fuzzy graph A + Aᵀ − A∘Aᵀ of umap-js's fuzzySimplicialSet (with its
 * default setOpMixRatio 1) from the membership strengths A (rows, cols, vals) of n
 * points, row by row. Zero entries (a point and itself) are dropped, as umap-js drops
 * them before the layout.
 */
export function fuzzyUnion(rows: number[], cols: number[], vals: number[], n: number): FuzzyGraph {
  const a = compressedRows(rows, cols, vals, n);
  const t = compressedRows(cols, rows, vals, n);
  const aRow = new Float64Array(n);
  const tRow = new Float64Array(n);
  const outRows: number[] = [];
  const outCols: number[] = [];
  const outVals: number[] = [];
  for (let r = 0; r < n; r++) {
    const seen: number[] = [];
    for (let e = a.start[r]; e < a.start[r + 1]; e++) {
      if (aRow[a.to[e]] === 0 && tRow[a.to[e]] === 0) seen.push(a.to[e]);
      aRow[a.to[e]] = a.val[e];
    }
    for (let e = t.start[r]; e < t.start[r + 1]; e++) {
      if (aRow[t.to[e]] === 0 && tRow[t.to[e]] === 0) seen.push(t.to[e]);
      tRow[t.to[e]] = t.val[e];
    }
    seen.sort((x, y) => x - y);
    for (const c of seen) {
      outRows.push(r);
      outCols.push(c);
      outVals.push(aRow[c] + tRow[c] - aRow[c] * tRow[c]);
      aRow[c] = 0;
      tRow[c] = 0;
    }
  }
  return new FuzzyGraph(Int32Array.from(outRows), Int32Array.from(outCols), Float64Array.from(outVals), n, n);
}
