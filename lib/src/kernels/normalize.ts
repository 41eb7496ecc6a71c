// The per-column arithmetic of batch normalisation. BatchNorm1d (layers/batchnorm.ts)
// keeps the state and the story; these loops do the work (on float32, the backend's own
// SIMD loops where it has them).
import { Matrix, assertSameShape, assertShape } from "../tensor";
import { acceleratedFloat32 } from "./backend";

/**
 * x̂ = (x − mean)·invStd and y = γ·x̂ + β, column by column.
 * @param x (N, D) @param mean, invStd, gamma, beta (1, D) @param xHat, y (N, D) written
 */
export function normalizeColumns(x: Matrix, mean: Matrix, invStd: Matrix, gamma: Matrix, beta: Matrix, xHat: Matrix, y: Matrix): void {
  const d = x.cols;
  for (const [m, what] of [
    [mean, "mean"],
    [invStd, "invStd"],
    [gamma, "gamma"],
    [beta, "beta"],
  ] as const)
    assertShape(m, 1, d, what);
  assertSameShape(x, xHat, "normalizeColumns(x, xHat)");
  assertSameShape(x, y, "normalizeColumns(x, y)");
  const accelerated = acceleratedFloat32("normalizeColumns", x.data, mean.data, invStd.data, gamma.data, beta.data, xHat.data, y.data);
  if (accelerated) {
    accelerated(...f32(x), x.rows, d, ...f32(mean, invStd, gamma, beta, xHat, y));
    return;
  }
  const [X, M, S, G, B, XH, Y] = [x.data, mean.data, invStd.data, gamma.data, beta.data, xHat.data, y.data];
  for (let i = 0; i < x.rows; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const h = (X[o + j] - M[j]) * S[j];
      XH[o + j] = h;
      Y[o + j] = G[j] * h + B[j];
    }
  }
}

/**
 * Backward of normalizeColumns: dβ = Σ_n dOut, dγ = Σ_n dOut·x̂, and
 *   training (mean and variance came from this batch): dX = γ·invStd/N · (N·dOut − dβ − x̂·dγ)
 *   eval (fixed statistics):                           dX = γ·invStd · dOut
 * @param dOut, xHat (N, D) @param gamma, invStd (1, D) @param dGamma, dBeta (1, D), dX (N, D) written
 */
export function normalizeColumnsBackward(
  dOut: Matrix,
  xHat: Matrix,
  gamma: Matrix,
  invStd: Matrix,
  training: boolean,
  dGamma: Matrix,
  dBeta: Matrix,
  dX: Matrix,
): void {
  const n = dOut.rows;
  const d = dOut.cols;
  assertSameShape(dOut, xHat, "normalizeColumnsBackward(dOut, xHat)");
  assertSameShape(dOut, dX, "normalizeColumnsBackward(dOut, dX)");
  for (const [m, what] of [
    [gamma, "gamma"],
    [invStd, "invStd"],
    [dGamma, "dGamma"],
    [dBeta, "dBeta"],
  ] as const)
    assertShape(m, 1, d, what);
  const accelerated = acceleratedFloat32("normalizeColumnsBackward", dOut.data, xHat.data, gamma.data, invStd.data, dGamma.data, dBeta.data, dX.data);
  if (accelerated) {
    accelerated(...f32(dOut), n, d, ...f32(xHat, gamma, invStd), training, ...f32(dGamma, dBeta, dX));
    return;
  }
  const [GO, XH, G, S, dG, dB, DX] = [dOut.data, xHat.data, gamma.data, invStd.data, dGamma.data, dBeta.data, dX.data];
  dG.fill(0);
  dB.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      dB[j] += GO[o + j];
      dG[j] += GO[o + j] * XH[o + j];
    }
  }
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const scale = G[j] * S[j];
      DX[o + j] = training ? (scale / n) * (n * GO[o + j] - dB[j] - XH[o + j] * dG[j]) : scale * GO[o + j];
    }
  }
}

/** The float32 arrays of matrices already checked by acceleratedFloat32. */
function f32<T extends Matrix[]>(...ms: T): { [K in keyof T]: Float32Array } {
  return ms.map((m) => m.data as Float32Array) as { [K in keyof T]: Float32Array };
}
