// The kernels: every hot loop of the engine lives under this folder.
export { gemm, matmul, matmulTransA, matmulTransB } from "./matmul";
export { sumOverRows, columnMeanVariance, argmaxRows, firstNonFinite, sumOfSquares } from "./reduce";
export { fillRows, relu, reluBackward, sigmoid, sigmoidBackward, meanSquaredDiff, sgdUpdate } from "./elementwise";
export { gatherRows } from "./gather";
export { normalizeColumns, normalizeColumnsBackward } from "./normalize";
export { backendStatus, describeBackend, useBackend, availableBackends, chooseBackend, BACKEND_NAMES } from "./backend";
export { threadCount, splitRows } from "./threads";
export type { BackendName, BackendStatus, BackendLoaders, GemmFunction } from "./backend";
export { jsGemm } from "./backends/js_gemm";
export { parallelJsGemm } from "./backends/js_parallel";
export { loadBlasAddon } from "./backends/blas";
export { loadWasm } from "./backends/wasm";
