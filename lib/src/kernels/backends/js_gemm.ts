// Pure-TypeScript gemm, always available: the fallback when the native BLAS addon is
// missing, and the reference it is tested against. Packs op(A) and op(B) into small
// contiguous panels (so transposes cost nothing in the inner loop), then a 4×8
// register-tiled micro-kernel accumulates in 32 local variables. Single-threaded.
import type { FloatArray } from "../../tensor";

const MR = 4; // rows of C per micro-tile
const NR = 8; // columns of C per micro-tile
const KC = 256; // depth of one packed block: an A panel (8 KB) and a B panel (16 KB) stay in L1

// Packed panels, reused between calls (grown when needed). Float64 so each element is
// converted from float32 once, while packing, not in the inner loop.
let packedA = new Float64Array(MR * KC);
let packedB = new Float64Array(NR * KC * 64);
const tile = new Float64Array(MR * NR);

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major, like cblas_?gemm(CblasRowMajor, ...).
 * op(A) is m×k, op(B) is k×n; lda/ldb/ldc are the row strides of the stored arrays.
 */
export function jsGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: FloatArray,
  lda: number,
  B: FloatArray,
  ldb: number,
  beta: number,
  C: FloatArray,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const row = i * ldc;
    // NOTE: beta = 0 overwrites C without reading it (NaN in old C does not leak), as BLAS does.
    if (beta === 0) C.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) C[row + j] *= beta;
  }
  if (k === 0 || alpha === 0 || m === 0 || n === 0) return;
  const panels = Math.ceil(n / NR);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    if (packedB.length < panels * NR * kc) packedB = new Float64Array(panels * NR * kc);
    packB(transB, B, ldb, p0, kc, n, packedB);
    for (let i0 = 0; i0 < m; i0 += MR) {
      const mr = Math.min(MR, m - i0);
      packA(transA, A, lda, i0, mr, p0, kc, packedA);
      for (let panel = 0; panel < panels; panel++) {
        const j0 = panel * NR;
        microKernel(kc, packedA, packedB, panel * NR * kc);
        const nr = Math.min(NR, n - j0);
        for (let r = 0; r < mr; r++) {
          const row = (i0 + r) * ldc + j0;
          for (let j = 0; j < nr; j++) C[row + j] += alpha * tile[r * NR + j];
        }
      }
    }
  }
}

/** Packs rows i0..i0+mr of op(A), depth p0..p0+kc, as kc groups of MR values (zero-padded). */
function packA(trans: boolean, A: FloatArray, lda: number, i0: number, mr: number, p0: number, kc: number, out: Float64Array): void {
  if (mr < MR) out.fill(0, 0, kc * MR);
  if (trans) {
    // op(A) row i is column i of A: each depth p is a contiguous run of mr values.
    for (let p = 0; p < kc; p++) {
      const src = (p0 + p) * lda + i0;
      for (let r = 0; r < mr; r++) out[p * MR + r] = A[src + r];
    }
  } else {
    for (let r = 0; r < mr; r++) {
      const src = (i0 + r) * lda + p0;
      for (let p = 0; p < kc; p++) out[p * MR + r] = A[src + p];
    }
  }
}

/** Packs depth p0..p0+kc of op(B) into column panels of NR: panel q holds kc groups of NR values. */
function packB(trans: boolean, B: FloatArray, ldb: number, p0: number, kc: number, n: number, out: Float64Array): void {
  const panels = Math.ceil(n / NR);
  for (let q = 0; q < panels; q++) {
    const j0 = q * NR;
    const nr = Math.min(NR, n - j0);
    const base = q * NR * kc;
    if (nr < NR) out.fill(0, base, base + NR * kc);
    if (trans) {
      // op(B) column j is row j of B: contiguous along the depth.
      for (let j = 0; j < nr; j++) {
        const src = (j0 + j) * ldb + p0;
        for (let p = 0; p < kc; p++) out[base + p * NR + j] = B[src + p];
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = (p0 + p) * ldb + j0;
        const o = base + p * NR;
        for (let j = 0; j < nr; j++) out[o + j] = B[src + j];
      }
    }
  }
}

/** tile = Σ_p packedA[p]ᵀ·packedB[p], a 4×8 block, with the sums in registers. */
function microKernel(kc: number, Ap: Float64Array, Bp: Float64Array, bOffset: number): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  let pa = 0;
  let pb = bOffset;
  for (let p = 0; p < kc; p++) {
    const a0 = Ap[pa],
      a1 = Ap[pa + 1],
      a2 = Ap[pa + 2],
      a3 = Ap[pa + 3];
    const b0 = Bp[pb],
      b1 = Bp[pb + 1],
      b2 = Bp[pb + 2],
      b3 = Bp[pb + 3];
    const b4 = Bp[pb + 4],
      b5 = Bp[pb + 5],
      b6 = Bp[pb + 6],
      b7 = Bp[pb + 7];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c06 += a0 * b6;
    c07 += a0 * b7;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c16 += a1 * b6;
    c17 += a1 * b7;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c26 += a2 * b6;
    c27 += a2 * b7;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    c36 += a3 * b6;
    c37 += a3 * b7;
    pa += MR;
    pb += NR;
  }
  const T = tile;
  T[0] = c00;
  T[1] = c01;
  T[2] = c02;
  T[3] = c03;
  T[4] = c04;
  T[5] = c05;
  T[6] = c06;
  T[7] = c07;
  T[8] = c10;
  T[9] = c11;
  T[10] = c12;
  T[11] = c13;
  T[12] = c14;
  T[13] = c15;
  T[14] = c16;
  T[15] = c17;
  T[16] = c20;
  T[17] = c21;
  T[18] = c22;
  T[19] = c23;
  T[20] = c24;
  T[21] = c25;
  T[22] = c26;
  T[23] = c27;
  T[24] = c30;
  T[25] = c31;
  T[26] = c32;
  T[27] = c33;
  T[28] = c34;
  T[29] = c35;
  T[30] = c36;
  T[31] = c37;
}
