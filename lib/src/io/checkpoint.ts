// Autoencoder checkpoints as safetensors files: every param and BatchNorm running
// statistic as a named float32 tensor, plus metadata with a format name, a version and
// the full model config, so a file says what it is and can be rebuilt from alone.
import * as fs from "fs";
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import { writeFileAtomic } from "../paths";
import { Autoencoder, AutoencoderConfig, AutoencoderOptions, resolveAutoencoderConfig } from "../models/autoencoder";
import { decodeSafetensors, encodeSafetensors, NamedTensor } from "./safetensors";

export const CHECKPOINT_FORMAT = "nnfs-autoencoder";
export const CHECKPOINT_VERSION = "1";

/** What the tensors of a model are called and hold: params, then running statistics. */
function namedState(model: Autoencoder): Array<{ name: string; value: Matrix }> {
  return [...model.params(), ...model.buffers()].map((p) => ({ name: p.name, value: p.value }));
}

/**
 * Writes the model to `file` (atomically: a reader never sees half a file).
 * @param extra more metadata to keep with it, e.g. training settings and scores
 */
export function saveAutoencoder(model: Autoencoder, file: string, extra: Record<string, string> = {}): void {
  const tensors: NamedTensor[] = namedState(model).map(({ name, value }) => ({
    name,
    shape: [value.rows, value.cols],
    data: value.data instanceof Float32Array ? value.data : Float32Array.from(value.data),
  }));
  const config: AutoencoderConfig = { ...model.config, dtype: "float32" };
  const metadata = { ...extra, format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, config: JSON.stringify(config) };
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** The metadata of a checkpoint (format, version, config and whatever was saved with it). */
export function readCheckpointMetadata(file: string): Record<string, string> {
  return decodeSafetensors(readFile(file), file).metadata;
}

function readFile(file: string): Uint8Array {
  if (!fs.existsSync(file)) {
    throw new DataError(`${file}: no such checkpoint; run the notebook that trains it first (02-ae-grid-search.ipynb writes saved_models/)`);
  }
  return fs.readFileSync(file);
}

const noted = new Set<string>();

/** Σ in·out over the Linear layers of a model with this config: a lower bound on the values its file holds. */
function linearWeights(config: AutoencoderConfig): number {
  const widths = [config.inputDim, ...config.encDims, ...config.decDims, config.inputDim];
  let sum = 0;
  for (let i = 1; i < widths.length; i++) sum += widths[i - 1] * widths[i];
  return sum;
}

/**
 * Rebuilds an autoencoder from a checkpoint, checking format, version, names, shapes and the
 * data's SHA-256. A file written before checksums were recorded loads, with a note (once).
 */
export function loadAutoencoder(file: string): Autoencoder {
  return loadCheckpoint(file).model;
}

/** The model of a checkpoint and its metadata, from one read of the file (see loadAutoencoder). */
export function loadCheckpoint(file: string): { model: Autoencoder; metadata: Record<string, string> } {
  const { tensors, metadata, checksum } = decodeSafetensors(readFile(file), file);
  if (checksum === "absent" && !noted.has(file)) {
    noted.add(file);
    console.warn(
      `note: ${file} carries no checksum (written before nnfs recorded one); it loads, but damage to it would go unnoticed. Save it again to add one.`,
    );
  }
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new DataError(
      `${file}: format ${JSON.stringify(metadata.format)}, expected ${JSON.stringify(CHECKPOINT_FORMAT)}; not an nnfs autoencoder checkpoint`,
    );
  }
  if (metadata.version !== CHECKPOINT_VERSION) {
    throw new DataError(`${file}: checkpoint version ${JSON.stringify(metadata.version)} is not supported (this nnfs reads version ${CHECKPOINT_VERSION})`);
  }
  let config: AutoencoderConfig;
  try {
    // NOTE: a config saved before the dropout option existed has no `dropout`: it resolves to 0, the network it was.
    config = resolveAutoencoderConfig(JSON.parse(metadata.config ?? "") as AutoencoderOptions);
  } catch (err) {
    throw new DataError(`${file}: the stored model config is invalid (${(err as Error).message})`);
  }
  // The model allocates its weights from the config: a damaged one must not size them beyond what the file holds.
  const needed = linearWeights(config);
  const held = [...tensors.values()].reduce((sum, t) => sum + t.data.length, 0);
  if (needed > held) {
    throw new DataError(
      `${file}: the stored model config needs at least ${needed} weights but the file holds ${held} values; its metadata is damaged: train it again or restore a copy`,
    );
  }
  const model = new Autoencoder(config);
  const expected = namedState(model);
  for (const { name, value } of expected) {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new DataError(`${file}: tensor ${name} is missing`);
    const [rows, cols] = tensor.shape;
    if (tensor.shape.length !== 2 || rows !== value.rows || cols !== value.cols) {
      throw new DataError(`${file}: tensor ${name} has shape [${tensor.shape}], the config needs [${value.rows}, ${value.cols}]`);
    }
    value.data.set(tensor.data);
  }
  const unexpected = [...tensors.keys()].filter((name) => !expected.some((e) => e.name === name));
  if (unexpected.length > 0) throw new DataError(`${file}: unexpected tensors ${unexpected.join(", ")} for this config`);
  return { model, metadata };
}
