export { encodeSafetensors, decodeSafetensors } from "./safetensors";
export type { NamedTensor, SafetensorsFile } from "./safetensors";
export { saveAutoencoder, loadAutoencoder, readCheckpointMetadata, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from "./checkpoint";
