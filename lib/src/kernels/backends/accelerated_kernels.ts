// The float32 loops a backend may run instead of the TypeScript ones (kernels/elementwise.ts,
// reduce.ts, gather.ts, normalize.ts say what each computes): the native addon has all of
// them (lib/native/elementwise.cc), the WebAssembly backend most (wasm_elementwise.ts).

/** Every float32 loop a backend can accelerate; a backend provides all or some of them. */
export interface AcceleratedKernels {
  relu(x: Float32Array, y: Float32Array): void;
  reluBackward(dOut: Float32Array, y: Float32Array, dx: Float32Array): void;
  sigmoid(x: Float32Array, y: Float32Array): void;
  sigmoidBackward(dOut: Float32Array, y: Float32Array, dx: Float32Array): void;
  sgdUpdate(value: Float32Array, grad: Float32Array, lr: number, weightDecay: number): void;
  mse(pred: Float32Array, target: Float32Array, grad?: Float32Array): number;
  sumOfSquares(x: Float32Array): number;
  sumOverRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  firstNonFinite(x: Float32Array): number;
  gatherRows(src: Float32Array, cols: number, idx: Int32Array, start: number, end: number, out: Float32Array): void;
  columnMeanVariance(x: Float32Array, rows: number, cols: number, mean: Float32Array, variance: Float32Array): void;
  normalizeColumns(
    x: Float32Array,
    rows: number,
    cols: number,
    mean: Float32Array,
    invStd: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    xHat: Float32Array,
    y: Float32Array,
  ): void;
  normalizeColumnsBackward(
    dOut: Float32Array,
    rows: number,
    cols: number,
    xHat: Float32Array,
    gamma: Float32Array,
    invStd: Float32Array,
    training: boolean,
    dGamma: Float32Array,
    dBeta: Float32Array,
    dX: Float32Array,
  ): void;
}
