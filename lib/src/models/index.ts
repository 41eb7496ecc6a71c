export { Sequential } from "./sequential";
export type { TrainableModel, Targets } from "./model";
export { MLP, MLPClassifier, MLPRegressor, accuracy } from "./mlp";
export type { MLPOptions, MLPConfig, OutputSpec } from "./mlp";
export { ACTIVATIONS } from "./blocks";
export type { Activation } from "./blocks";
export { Autoencoder, OUTPUT_ACTIVATIONS } from "./autoencoder";
export type { AutoencoderOptions, AutoencoderConfig, OutputActivation } from "./autoencoder";
