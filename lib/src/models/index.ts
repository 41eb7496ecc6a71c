export { Sequential } from "./sequential";
export type { TrainableModel, Targets } from "./model";
export { MLP, MLPClassifier, MLPRegressor, ACTIVATIONS, accuracy } from "./mlp";
export type { Activation, MLPOptions, MLPConfig, OutputSpec } from "./mlp";
