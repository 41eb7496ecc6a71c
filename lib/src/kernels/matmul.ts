// Matrix multiply and its transposed variants: the only O(n^3) work in the engine.
// Layers call matmul / matmulTransA / matmulTransB; which code does the arithmetic
// (native BLAS, WebAssembly or TypeScript) is decided in backend.ts, never in a layer.
import { Matrix, outputFor } from "../tensor";
import { ShapeError } from "../errors";
import { activeGemm } from "./backend";

/**
 * C = op(A)·op(B) + beta·C, op = identity or transpose. Writes into and returns `out`
 * if given (beta = 1 adds to what it holds, e.g. a bias); else a new matrix.
 * @param a (M, K), or (K, M) when transA
 * @param b (K, N), or (N, K) when transB
 * @returns (M, N)
 */
export function gemm(a: Matrix, b: Matrix, transA: boolean, transB: boolean, out?: Matrix, beta = 0): Matrix {
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
  if (overlaps(c.data, a.data) || overlaps(c.data, b.data)) {
    throw new ShapeError("matmul: the output must not share memory with an input");
  }
  activeGemm()(transA, transB, m, n, k, 1, a.data, a.cols, b.data, b.cols, beta, c.data, c.cols);
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

/** Whether two typed-array views share any bytes. */
function overlaps(x: Matrix["data"], y: Matrix["data"]): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}
