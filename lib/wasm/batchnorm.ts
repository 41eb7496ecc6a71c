// AssemblyScript source of the wasm backend's BatchNorm loops, 4 columns at a time
// (128-bit SIMD); the same meaning as lib/src/kernels/normalize.ts and reduce.ts.
// Pointers are byte offsets into the shared memory; x is (rows × cols) row-major.
import { sumOverRows } from "./elementwise";

/** mean and biased variance of each column. */
export function columnMeanVariance(x: usize, rows: i32, cols: i32, mean: usize, variance: usize): void {
  sumOverRows(x, rows, cols, mean);
  memory.fill(variance, 0, <usize>cols * 4);
  const whole = cols & ~3;
  const inv = f32x4.splat(<f32>1 / <f32>rows);
  for (let j = 0; j < whole; j += 4) v128.store(mean + <usize>j * 4, f32x4.mul(v128.load(mean + <usize>j * 4), inv));
  for (let j = whole; j < cols; j++) store<f32>(mean + <usize>j * 4, load<f32>(mean + <usize>j * 4) / <f32>rows);
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>(i * cols) * 4;
    for (let j = 0; j < whole; j += 4) {
      const c = f32x4.sub(v128.load(row + <usize>j * 4), v128.load(mean + <usize>j * 4));
      v128.store(variance + <usize>j * 4, f32x4.add(v128.load(variance + <usize>j * 4), f32x4.mul(c, c)));
    }
    for (let j = whole; j < cols; j++) {
      const c = load<f32>(row + <usize>j * 4) - load<f32>(mean + <usize>j * 4);
      store<f32>(variance + <usize>j * 4, load<f32>(variance + <usize>j * 4) + c * c);
    }
  }
  for (let j = 0; j < whole; j += 4) v128.store(variance + <usize>j * 4, f32x4.mul(v128.load(variance + <usize>j * 4), inv));
  for (let j = whole; j < cols; j++) store<f32>(variance + <usize>j * 4, load<f32>(variance + <usize>j * 4) / <f32>rows);
}

/** x̂ = (x − mean)·invStd and y = γ·x̂ + β. */
export function normalizeColumns(x: usize, rows: i32, cols: i32, mean: usize, invStd: usize, gamma: usize, beta: usize, xHat: usize, y: usize): void {
  const whole = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    for (let j = 0; j < whole; j += 4) {
      const at = <usize>j * 4;
      const h = f32x4.mul(f32x4.sub(v128.load(x + o + at), v128.load(mean + at)), v128.load(invStd + at));
      v128.store(xHat + o + at, h);
      v128.store(y + o + at, f32x4.add(f32x4.mul(v128.load(gamma + at), h), v128.load(beta + at)));
    }
    for (let j = whole; j < cols; j++) {
      const at = <usize>j * 4;
      const h = (load<f32>(x + o + at) - load<f32>(mean + at)) * load<f32>(invStd + at);
      store<f32>(xHat + o + at, h);
      store<f32>(y + o + at, load<f32>(gamma + at) * h + load<f32>(beta + at));
    }
  }
}

/** dβ = Σ dOut, dγ = Σ dOut·x̂, dX = γ·invStd/N·(N·dOut − dβ − x̂·dγ) in training, else γ·invStd·dOut. */
export function normalizeColumnsBackward(dOut: usize, rows: i32, cols: i32, xHat: usize, gamma: usize, invStd: usize, training: bool, dGamma: usize, dBeta: usize, dX: usize): void {
  memory.fill(dGamma, 0, <usize>cols * 4);
  memory.fill(dBeta, 0, <usize>cols * 4);
  const whole = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    for (let j = 0; j < whole; j += 4) {
      const at = <usize>j * 4;
      const g = v128.load(dOut + o + at);
      v128.store(dBeta + at, f32x4.add(v128.load(dBeta + at), g));
      v128.store(dGamma + at, f32x4.add(v128.load(dGamma + at), f32x4.mul(g, v128.load(xHat + o + at))));
    }
    for (let j = whole; j < cols; j++) {
      const at = <usize>j * 4;
      const g = load<f32>(dOut + o + at);
      store<f32>(dBeta + at, load<f32>(dBeta + at) + g);
      store<f32>(dGamma + at, load<f32>(dGamma + at) + g * load<f32>(xHat + o + at));
    }
  }
  const n = <f32>rows;
  const vn = f32x4.splat(n);
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    for (let j = 0; j < whole; j += 4) {
      const at = <usize>j * 4;
      const scale = f32x4.mul(v128.load(gamma + at), v128.load(invStd + at));
      const g = v128.load(dOut + o + at);
      const v = training
        ? f32x4.mul(f32x4.div(scale, vn), f32x4.sub(f32x4.sub(f32x4.mul(vn, g), v128.load(dBeta + at)), f32x4.mul(v128.load(xHat + o + at), v128.load(dGamma + at))))
        : f32x4.mul(scale, g);
      v128.store(dX + o + at, v);
    }
    for (let j = whole; j < cols; j++) {
      const at = <usize>j * 4;
      const scale = load<f32>(gamma + at) * load<f32>(invStd + at);
      const g = load<f32>(dOut + o + at);
      store<f32>(dX + o + at, training ? (scale / n) * (n * g - load<f32>(dBeta + at) - load<f32>(xHat + o + at) * load<f32>(dGamma + at)) : scale * g);
    }
  }
}
