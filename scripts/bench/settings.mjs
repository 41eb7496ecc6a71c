// What npm run bench measures and the targets it prints (run.mjs runs it, print.mjs prints it).
// The three products of a training step of a 784→256 layer with a batch of 128.
export const SHAPES = [
  { name: "X·W (128×784)·(784×256)", transA: false, transB: false, m: 128, n: 256, k: 784 },
  { name: "Xᵀ·dY (784×128)·(128×256)", transA: true, transB: false, m: 784, n: 256, k: 128 },
  { name: "dY·Wᵀ (128×256)·(256×784)", transA: false, transB: true, m: 128, n: 784, k: 256 },
];
export const ROUNDS = 3;
export const SECONDS_PER_SHAPE = 0.5;
export const AE_ROWS = 60000;
export const UMAP_ROUNDS = 2;
export const TARGETS = {
  blasVsNumpy: 0.8,
  aeVsNumpy: 1.0,
  aeStretch: 0.8,
  wasmVsNumpy: 5,
  wasmStretch: 4,
  wasmGflops: 25,
  jsGflops: 4,
  peakRssMb: 1024,
  umapVsLearn: 1.0,
  umapStretch: 0.7,
  umapTrustGap: 0.005,
  umapPeakRssMb: 400,
};
