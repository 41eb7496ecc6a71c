export type { Layer, Param, StateBuffer, ForwardOptions } from "./layer";
export { makeParam, missingLayerMethods } from "./layer";
export { Linear } from "./linear";
export type { LinearOptions } from "./linear";
export { BatchNorm1d } from "./batchnorm";
export type { BatchNormOptions } from "./batchnorm";
export { ReLU } from "./relu";
export { Sigmoid } from "./sigmoid";
