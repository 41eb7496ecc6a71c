// AssemblyScript source of the wasm backend's float32 element-wise loops, 4 lanes at a time
// (128-bit SIMD); the same meaning as lib/native/elementwise.cc. Pointers are byte offsets
// into the shared memory, n a count of floats.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/**
 * e^x for 4 lanes (Cephes' expf): x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6
 * polynomial, 2^n through the exponent bits. Relative error ~1e-7 on the clamped range.
 */
@inline
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.33654)), f32x4.splat(88.37626));
  const n = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(0.5)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23));
}

/** y = max(x, 0). */
export function relu(x: usize, y: usize, n: i32): void {
  const whole = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < whole; i += 4) v128.store(y + <usize>i * 4, f32x4.max(v128.load(x + <usize>i * 4), zero));
  for (let i = whole; i < n; i++) store<f32>(y + <usize>i * 4, max(load<f32>(x + <usize>i * 4), 0));
}

/** dx = dOut where y > 0, else 0. */
export function reluBackward(dOut: usize, y: usize, dx: usize, n: i32): void {
  const whole = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i * 4;
    v128.store(dx + at, v128.and(v128.load(dOut + at), f32x4.gt(v128.load(y + at), zero)));
  }
  for (let i = whole; i < n; i++) store<f32>(dx + <usize>i * 4, load<f32>(y + <usize>i * 4) > 0 ? load<f32>(dOut + <usize>i * 4) : 0);
}

/** y = 1 / (1 + e^(−x)). */
export function sigmoid(x: usize, y: usize, n: i32): void {
  const whole = n & ~3;
  const one = f32x4.splat(1);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i * 4;
    v128.store(y + at, f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v128.load(x + at))))));
  }
  for (let i = whole; i < n; i++) store<f32>(y + <usize>i * 4, <f32>(1.0 / (1.0 + Math.exp(-<f64>load<f32>(x + <usize>i * 4)))));
}

/** dx = dOut · y · (1 − y). */
export function sigmoidBackward(dOut: usize, y: usize, dx: usize, n: i32): void {
  const whole = n & ~3;
  const one = f32x4.splat(1);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i * 4;
    const v = v128.load(y + at);
    v128.store(dx + at, f32x4.mul(v128.load(dOut + at), f32x4.mul(v, f32x4.sub(one, v))));
  }
  for (let i = whole; i < n; i++) {
    const v = load<f32>(y + <usize>i * 4);
    store<f32>(dx + <usize>i * 4, load<f32>(dOut + <usize>i * 4) * v * (1 - v));
  }
}

/** w −= lr·(g + weightDecay·w), in place. */
export function sgdUpdate(w: usize, g: usize, n: i32, lr: f32, weightDecay: f32): void {
  const whole = n & ~3;
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(weightDecay);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i * 4;
    const v = v128.load(w + at);
    v128.store(w + at, f32x4.sub(v, f32x4.mul(vlr, f32x4.add(v128.load(g + at), f32x4.mul(vwd, v)))));
  }
  for (let i = whole; i < n; i++) {
    const at = <usize>i * 4;
    const v = load<f32>(w + at);
    store<f32>(w + at, v - lr * (load<f32>(g + at) + weightDecay * v));
  }
}

/** Σ of 4 lanes, added in double. */
@inline
function lanes(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/**
 * Σ (p − t)², and grad = scale·(p − t) when grad is not 0. Blocks of 1024 summed in float
 * lanes, the blocks added in double (as the native loop).
 */
export function squaredDiff(p: usize, t: usize, grad: usize, n: i32, scale: f32): f64 {
  let total: f64 = 0;
  const vs = f32x4.splat(scale);
  for (let start = 0; start < n; start += 1024) {
    const end = min(n, start + 1024);
    const whole = start + ((end - start) & ~3);
    let acc = f32x4.splat(0);
    for (let i = start; i < whole; i += 4) {
      const at = <usize>i * 4;
      const d = f32x4.sub(v128.load(p + at), v128.load(t + at));
      acc = f32x4.add(acc, f32x4.mul(d, d));
      if (grad != 0) v128.store(grad + at, f32x4.mul(vs, d));
    }
    total += lanes(acc);
    for (let i = whole; i < end; i++) {
      const at = <usize>i * 4;
      const d = load<f32>(p + at) - load<f32>(t + at);
      total += <f64>(d * d);
      if (grad != 0) store<f32>(grad + at, scale * d);
    }
  }
  return total;
}

/** Σ x², blocks of 1024 added in double. */
export function sumOfSquares(x: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let start = 0; start < n; start += 1024) {
    const end = min(n, start + 1024);
    const whole = start + ((end - start) & ~3);
    let acc = f32x4.splat(0);
    for (let i = start; i < whole; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    total += lanes(acc);
    for (let i = whole; i < end; i++) {
      const v = load<f32>(x + <usize>i * 4);
      total += <f64>(v * v);
    }
  }
  return total;
}

/** out[j] = Σ_i x[i·cols + j]. */
export function sumOverRows(x: usize, rows: i32, cols: i32, out: usize): void {
  memory.fill(out, 0, <usize>cols * 4);
  const whole = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>(i * cols) * 4;
    for (let j = 0; j < whole; j += 4) v128.store(out + <usize>j * 4, f32x4.add(v128.load(out + <usize>j * 4), v128.load(row + <usize>j * 4)));
    for (let j = whole; j < cols; j++) store<f32>(out + <usize>j * 4, load<f32>(out + <usize>j * 4) + load<f32>(row + <usize>j * 4));
  }
}
