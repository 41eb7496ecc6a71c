// AssemblyScript source of the wasm backend's matrix product, compiled to WebAssembly with
// 128-bit SIMD by scripts/build-wasm.sh (no C toolchain needed). Row-major float32:
//   C[m0:m1, :] = alpha·op(A)·op(B) + beta·C
// op(B) is first packed into panels of NR = 16 columns (k rows × 16, zero-padded), so the
// inner loop reads B contiguously; each thread then runs the 4×16 micro-kernel over its own
// rows of C. Every element of C is a sum over p = 0..k-1 in order, whatever thread or
// block computes it, so the result does not depend on how rows are split.
// All pointers are byte offsets into the (shared) memory; lda/ldb/ldc are in elements.

const MR: i32 = 4;
const NR: i32 = 16;

/** Packs op(B) (k × n) into ceil(n/16) panels of k × 16 floats at `packed`. */
export function packB(transB: bool, k: i32, n: i32, b: usize, ldb: i32, packed: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let q = 0; q < panels; q++) {
    const j0 = q * NR;
    const width = min(NR, n - j0);
    const out = packed + <usize>(q * k * NR) * 4;
    if (width == NR && !transB) {
      // Row p of the panel is 16 contiguous floats of B's row p.
      for (let p = 0; p < k; p++) {
        const from = b + <usize>(p * ldb + j0) * 4;
        const to = out + <usize>(p * NR) * 4;
        v128.store(to, v128.load(from)); v128.store(to, v128.load(from, 16), 16);
        v128.store(to, v128.load(from, 32), 32); v128.store(to, v128.load(from, 48), 48);
      }
    } else if (width == NR) {
      // op(B)[p][j] = B[j][p]: 4 × 4 blocks of B transposed in registers.
      const k4 = k & ~3;
      for (let jj = 0; jj < NR; jj += 4) {
        const row = b + <usize>((j0 + jj) * ldb) * 4;
        const stride = <usize>ldb * 4;
        for (let p = 0; p < k4; p += 4) {
          const r0 = v128.load(row + <usize>p * 4), r1 = v128.load(row + stride + <usize>p * 4);
          const r2 = v128.load(row + 2 * stride + <usize>p * 4), r3 = v128.load(row + 3 * stride + <usize>p * 4);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const to = out + <usize>(p * NR + jj) * 4;
          v128.store(to, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(to + NR * 4, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
          v128.store(to + 2 * NR * 4, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
          v128.store(to + 3 * NR * 4, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        }
        for (let p = k4; p < k; p++) {
          for (let r = 0; r < 4; r++) store<f32>(out + <usize>(p * NR + jj + r) * 4, load<f32>(b + <usize>((j0 + jj + r) * ldb + p) * 4));
        }
      }
    } else {
      let to = out;
      for (let p = 0; p < k; p++) {
        for (let jj = 0; jj < NR; jj++) {
          let v: f32 = 0;
          if (jj < width) {
            const j = j0 + jj;
            v = transB ? load<f32>(b + <usize>(j * ldb + p) * 4) : load<f32>(b + <usize>(p * ldb + j) * 4);
          }
          store<f32>(to, v);
          to += 4;
        }
      }
    }
  }
}

/** Packs rows i0..i0+4 of op(A) (k columns) as k × 4 floats at `packed`, zero-padding missing rows. */
function packA(transA: bool, i0: i32, rows: i32, k: i32, a: usize, lda: i32, packed: usize): void {
  if (rows == MR && transA) {
    // op(A)[i][p] = A[p][i]: the 4 values for p are contiguous in A's row p.
    for (let p = 0; p < k; p++) v128.store(packed + <usize>(p * MR) * 4, v128.load(a + <usize>(p * lda + i0) * 4));
    return;
  }
  if (rows == MR) {
    // 4 × 4 blocks of A's rows i0..i0+3 transposed in registers.
    const k4 = k & ~3;
    const row = a + <usize>(i0 * lda) * 4;
    const stride = <usize>lda * 4;
    for (let p = 0; p < k4; p += 4) {
      const r0 = v128.load(row + <usize>p * 4), r1 = v128.load(row + stride + <usize>p * 4);
      const r2 = v128.load(row + 2 * stride + <usize>p * 4), r3 = v128.load(row + 3 * stride + <usize>p * 4);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const to = packed + <usize>(p * MR) * 4;
      v128.store(to, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(to, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
      v128.store(to, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
      v128.store(to, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
    }
    for (let p = k4; p < k; p++) {
      for (let r = 0; r < MR; r++) store<f32>(packed + <usize>(p * MR + r) * 4, load<f32>(a + <usize>((i0 + r) * lda + p) * 4));
    }
    return;
  }
  let out = packed;
  for (let p = 0; p < k; p++) {
    for (let r = 0; r < MR; r++) {
      let v: f32 = 0;
      if (r < rows) {
        const i = i0 + r;
        v = transA ? load<f32>(a + <usize>(p * lda + i) * 4) : load<f32>(a + <usize>(i * lda + p) * 4);
      }
      store<f32>(out, v);
      out += 4;
    }
  }
}

/** Rows m0..m1 of C from packed B; `scratch` holds one packed block of A (k × 4 floats). */
export function gemmRows(transA: bool, m0: i32, m1: i32, n: i32, k: i32, alpha: f32, beta: f32, a: usize, lda: i32, packedB: usize, c: usize, ldc: i32, scratch: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let i0 = m0; i0 < m1; i0 += MR) {
    const rows = min(MR, m1 - i0);
    packA(transA, i0, rows, k, a, lda, scratch);
    for (let q = 0; q < panels; q++) {
      const j0 = q * NR;
      kernel(k, scratch, packedB + <usize>(q * k * NR) * 4, c + <usize>(i0 * ldc + j0) * 4, ldc, alpha, beta, rows, min(NR, n - j0));
    }
  }
}

/** C[4 × 16] tile at c: acc over k of the packed A block × the packed B panel, then alpha·acc + beta·C. */
@inline
function kernel(k: i32, a: usize, b: usize, c: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c22 = f32x4.splat(0), c23 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0), c32 = f32x4.splat(0), c33 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
    let av = f32x4.splat(load<f32>(a));
    c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
    c02 = f32x4.add(c02, f32x4.mul(av, b2)); c03 = f32x4.add(c03, f32x4.mul(av, b3));
    av = f32x4.splat(load<f32>(a, 4));
    c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
    c12 = f32x4.add(c12, f32x4.mul(av, b2)); c13 = f32x4.add(c13, f32x4.mul(av, b3));
    av = f32x4.splat(load<f32>(a, 8));
    c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
    c22 = f32x4.add(c22, f32x4.mul(av, b2)); c23 = f32x4.add(c23, f32x4.mul(av, b3));
    av = f32x4.splat(load<f32>(a, 12));
    c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
    c32 = f32x4.add(c32, f32x4.mul(av, b2)); c33 = f32x4.add(c33, f32x4.mul(av, b3));
    a += 16;
    b += 64;
  }
  storeRow(c, 0, ldc, alpha, beta, rows, cols, c00, c01, c02, c03);
  storeRow(c, 1, ldc, alpha, beta, rows, cols, c10, c11, c12, c13);
  storeRow(c, 2, ldc, alpha, beta, rows, cols, c20, c21, c22, c23);
  storeRow(c, 3, ldc, alpha, beta, rows, cols, c30, c31, c32, c33);
}

/** Writes row r of a tile: whole vectors when the tile is full, else element by element. */
@inline
function storeRow(c: usize, r: i32, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  if (r >= rows) return;
  const row = c + <usize>(r * ldc) * 4;
  const va = f32x4.splat(alpha);
  v0 = f32x4.mul(v0, va); v1 = f32x4.mul(v1, va); v2 = f32x4.mul(v2, va); v3 = f32x4.mul(v3, va);
  if (cols == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      v0 = f32x4.add(v0, f32x4.mul(vb, v128.load(row)));
      v1 = f32x4.add(v1, f32x4.mul(vb, v128.load(row, 16)));
      v2 = f32x4.add(v2, f32x4.mul(vb, v128.load(row, 32)));
      v3 = f32x4.add(v3, f32x4.mul(vb, v128.load(row, 48)));
    }
    v128.store(row, v0); v128.store(row, v1, 16); v128.store(row, v2, 32); v128.store(row, v3, 48);
    return;
  }
  for (let j = 0; j < cols; j++) {
    const q = j >> 2;
    const v = q == 0 ? v0 : q == 1 ? v1 : q == 2 ? v2 : v3;
    let x: f32 = 0;
    switch (j & 3) {
      case 0: x = f32x4.extract_lane(v, 0); break;
      case 1: x = f32x4.extract_lane(v, 1); break;
      case 2: x = f32x4.extract_lane(v, 2); break;
      default: x = f32x4.extract_lane(v, 3);
    }
    const at = row + <usize>j * 4;
    store<f32>(at, beta != 0 ? x + beta * load<f32>(at) : x);
  }
}
