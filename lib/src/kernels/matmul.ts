// Matrix multiply and its transposed variants: the only O(n^3) work in the engine.
// Layers call matmul / matmulTransA / matmulTransB; how the product is computed stays
// behind this file (a faster backend can replace `gemm` without touching a layer).
import { Matrix, outputFor } from "../tensor";
import { ShapeError } from "../errors";

/**
 * C = op(A)·op(B), op = identity or transpose. Overwrites and returns `out` if given.
 * @param a (M, K), or (K, M) when transA
 * @param b (K, N), or (N, K) when transB
 * @returns (M, N)
 */
export function gemm(a: Matrix, b: Matrix, transA: boolean, transB: boolean, out?: Matrix): Matrix {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  const opA = transA ? `${a.shape}ᵀ` : a.shape;
  const opB = transB ? `${b.shape}ᵀ` : b.shape;
  if (k !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ for ${opA} · ${opB} (${k} vs ${kb})`);
  }
  if (a.dtype !== b.dtype) {
    throw new ShapeError(`matmul: dtypes differ (${a.dtype} · ${b.dtype})`);
  }
  const c = outputFor(out, m, n, a.dtype, `matmul output for ${opA} · ${opB}`);
  if (c.data === a.data || c.data === b.data) {
    throw new ShapeError("matmul: the output must not share its buffer with an input");
  }
  const A = a.data;
  const B = b.data;
  const C = c.data;
  C.fill(0);
  if (!transA && !transB) {
    // i-k-j order keeps the inner loop on contiguous rows of B and C.
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = A[i * k + p];
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
      }
    }
  } else if (transA && !transB) {
    // Aᵀ·B: row p of A scatters into every row of C.
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = A[ap + i];
        if (api === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) C[ci + j] += api * B[bp + j];
      }
    }
  } else if (!transA && transB) {
    // A·Bᵀ: each entry is a dot product of two contiguous rows.
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
        C[i * n + j] = s;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * m + i] * B[j * k + p];
        C[i * n + j] = s;
      }
    }
  }
  return c;
}

/** X·W: (M, K)·(K, N) → (M, N). */
export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return gemm(a, b, false, false, out);
}

/** Aᵀ·B, e.g. dW = Xᵀ·dY: (K, M)ᵀ·(K, N) → (M, N). */
export function matmulTransA(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return gemm(a, b, true, false, out);
}

/** A·Bᵀ, e.g. dX = dY·Wᵀ: (M, K)·(N, K)ᵀ → (M, N). */
export function matmulTransB(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return gemm(a, b, false, true, out);
}
