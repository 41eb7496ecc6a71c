export { encodeSafetensors, decodeSafetensors } from "./safetensors";
export type { NamedTensor, SafetensorsFile } from "./safetensors";
export { saveAutoencoder, loadAutoencoder, loadCheckpoint, readCheckpointMetadata, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from "./checkpoint";
export { encodeNpy, decodeNpy } from "./npy";
export type { NpyArray, NpyDtype } from "./npy";
export { saveNpz, loadNpz, npzMatrix } from "./npz";
export type { NpzValue } from "./npz";
export { saveTrainingCheckpoint, loadTrainingCheckpoint, TRAINING_CHECKPOINT_FORMAT, TRAINING_CHECKPOINT_VERSION } from "./training_checkpoint";
export type { TrainingCheckpoint, TrainingRun } from "./training_checkpoint";
