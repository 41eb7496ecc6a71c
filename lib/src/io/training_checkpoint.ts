// Training checkpoints: what a run needs to continue exactly where it stopped (model params
// and buffers, the optimiser's state and settings, the run's seed and shape, the history so
// far), as one safetensors file written atomically. Not a model to ship: for that see
// io/checkpoint.ts. fit writes one with `checkpoint: file` and continues from one with
// `resume: file`.
import * as fs from "fs";
import { DataError } from "../errors";
import { FloatArray, Matrix } from "../tensor";
import { writeFileAtomic } from "../paths";
import type { Rng } from "../random";
import type { Optimizer } from "../optim/sgd";
import type { OptimizerState, ResumableOptimizer } from "../optim/state";
import type { History } from "../training_history";
import { decodeSafetensors, encodeSafetensors, NamedTensor } from "./safetensors";

export const TRAINING_CHECKPOINT_FORMAT = "nnfs-training";
export const TRAINING_CHECKPOINT_VERSION = "1";

/** What must be the same for a continued run to draw the same batches and learning rates. */
export interface TrainingRun {
  seed: number;
  batchSize: number;
  /** The epochs asked for (a schedule other than constant depends on it). */
  epochs: number;
  lrSchedule: string;
  /** Rows of the training data (the shuffling permutes this many). */
  trainRows: number;
}

/** What loadTrainingCheckpoint gives back besides the weights and state it set. */
export interface TrainingCheckpoint {
  run: TrainingRun;
  /** The curves of the epochs done; its length is the number of epochs done. */
  history: History;
}

/** What a checkpoint holds of a model: its params, then its buffers (BatchNorm running statistics), and where its generators stand (Dropout's masks). */
interface ModelState {
  params(): ReadonlyArray<{ name: string; value: Matrix }>;
  buffers(): ReadonlyArray<{ name: string; value: Matrix }>;
  generators?(): Rng[];
}

/** Each generator's state, as JSON allows (a NaN, "no cached normal", becomes null). */
function generatorStates(model: ModelState): Array<Array<number | null>> {
  return (model.generators?.() ?? []).map((g) => g.state().map((v) => (Number.isNaN(v) ? null : v)));
}

/** dtype and logical shape of each stored tensor, by name. */
type Layout = Record<string, { dtype: "float32" | "float64"; shape: number[] }>;

function modelTensors(model: ModelState): Array<{ name: string; value: Matrix }> {
  return [
    ...model.params().map((p, i) => ({ name: `param/${i}/${p.name}`, value: p.value })),
    ...model.buffers().map((b, i) => ({ name: `buffer/${i}/${b.name}`, value: b.value })),
  ];
}

// NOTE: our safetensors reader and writer know F32 only; a float64 array is stored as the
// F32 view of its bytes (twice as many values) and the layout says so. Bit for bit either way.
function asStored(data: FloatArray): Float32Array {
  return data instanceof Float32Array ? data : new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function fromStored(data: Float32Array, dtype: "float32" | "float64"): FloatArray {
  return dtype === "float32" ? data : new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function dtypeOf(data: FloatArray): "float32" | "float64" {
  return data instanceof Float64Array ? "float64" : "float32";
}

/**
 * Writes model, optimiser state and run to `file` atomically (a reader never sees half a
 * file; a crash leaves the previous checkpoint). `history` is the curves of the epochs done.
 * @param baseLr the lr the run started from, recorded instead of a scheduled one
 */
export function saveTrainingCheckpoint(
  file: string,
  model: ModelState,
  optimizer: Optimizer & ResumableOptimizer,
  run: TrainingRun,
  history: History,
  baseLr: number = optimizer.lr,
): void {
  const tensors: NamedTensor[] = [];
  const layout: Layout = {};
  const add = (name: string, data: FloatArray, shape: number[]): void => {
    const stored = asStored(data);
    tensors.push({ name, shape: [stored.length], data: stored });
    layout[name] = { dtype: dtypeOf(data), shape };
  };
  for (const { name, value } of modelTensors(model)) add(name, value.data, [value.rows, value.cols]);
  const counters: Record<string, number> = {};
  for (const [key, value] of Object.entries(optimizer.state())) {
    if (typeof value === "number") counters[key] = value;
    else add(`optimizer/${key}`, value, [value.length]);
  }
  const metadata = {
    format: TRAINING_CHECKPOINT_FORMAT,
    version: TRAINING_CHECKPOINT_VERSION,
    optimizer: optimizer.constructor.name,
    optimizerConfig: JSON.stringify({ ...optimizer.config(), lr: baseLr }),
    optimizerCounters: JSON.stringify(counters),
    run: JSON.stringify(run),
    history: JSON.stringify(history),
    generators: JSON.stringify(generatorStates(model)),
    layout: JSON.stringify(layout),
  };
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/**
 * Sets `model`'s params and buffers and `optimizer`'s state from `file`, after checking that
 * both are what the checkpoint was written from: the same optimiser class with the same
 * settings, and params of the same names, shapes and dtypes; then `check` (which may throw,
 * e.g. when the run's settings differ). Nothing is changed if a check fails.
 */
export function loadTrainingCheckpoint(
  file: string,
  model: ModelState,
  optimizer: Optimizer & ResumableOptimizer,
  check?: (checkpoint: TrainingCheckpoint) => void,
): TrainingCheckpoint {
  if (!fs.existsSync(file)) throw new DataError(`${file}: no such training checkpoint`);
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file), file);
  const fail = (problem: string): never => {
    throw new DataError(`${file}: ${problem}`);
  };
  if (metadata.format !== TRAINING_CHECKPOINT_FORMAT) {
    fail(`format ${JSON.stringify(metadata.format)}, expected ${JSON.stringify(TRAINING_CHECKPOINT_FORMAT)}; not an nnfs training checkpoint`);
  }
  if (metadata.version !== TRAINING_CHECKPOINT_VERSION) {
    fail(`training checkpoint version ${JSON.stringify(metadata.version)} is not supported (this nnfs reads version ${TRAINING_CHECKPOINT_VERSION})`);
  }
  const parse = <T>(key: string): T => {
    try {
      return JSON.parse(metadata[key] ?? "") as T;
    } catch {
      return fail(`metadata ${key} is missing or not JSON (damaged file?)`);
    }
  };
  const kind = optimizer.constructor.name;
  if (metadata.optimizer !== kind)
    fail(`written by a run with ${metadata.optimizer}; it cannot continue with ${kind}. Build a ${metadata.optimizer} with the same settings`);
  const saved = parse<Record<string, number | boolean>>("optimizerConfig");
  const current = optimizer.config();
  for (const key of new Set([...Object.keys(saved), ...Object.keys(current)])) {
    if (saved[key] !== current[key])
      fail(`written by a run with ${kind} ${key}=${saved[key]}, this ${kind} has ${key}=${current[key]}; build it with the checkpoint's settings`);
  }
  const layout = parse<Layout>("layout");
  const read = (name: string): FloatArray => {
    const entry = layout[name];
    const tensor = tensors.get(name);
    if (entry === undefined || tensor === undefined) return fail(`tensor ${name} is missing`);
    return fromStored(tensor.data, entry.dtype);
  };

  // Check the whole model before changing anything.
  const expected = modelTensors(model);
  const storedModel = Object.keys(layout).filter((name) => !name.startsWith("optimizer/"));
  if (storedModel.length !== expected.length) {
    fail(`holds ${storedModel.length} model tensors, this model has ${expected.length} params and buffers; it was written for another model`);
  }
  const values = expected.map(({ name, value }, i) => {
    const entry = layout[storedModel[i]];
    if (storedModel[i] !== name || entry.shape[0] !== value.rows || entry.shape[1] !== value.cols || entry.dtype !== value.dtype) {
      fail(
        `model tensor ${i} is ${storedModel[i]} (${entry.dtype} [${entry.shape}]), this model has ${name} (${value.dtype} [${value.rows}, ${value.cols}]); it was written for another model`,
      );
    }
    return read(name);
  });

  const generators = model.generators?.() ?? [];
  const savedGenerators = parse<Array<Array<number | null>>>("generators");
  if (!Array.isArray(savedGenerators) || savedGenerators.length !== generators.length) {
    fail(
      `holds the state of ${Array.isArray(savedGenerators) ? savedGenerators.length : "no"} random generators (Dropout layers), this model has ${generators.length}; it was written for another model`,
    );
  }

  const checkpoint: TrainingCheckpoint = { run: parse<TrainingRun>("run"), history: parse<History>("history") };
  check?.(checkpoint);
  const state: OptimizerState = parse<Record<string, number>>("optimizerCounters");
  for (const name of Object.keys(layout)) if (name.startsWith("optimizer/")) state[name.slice("optimizer/".length)] = read(name);
  try {
    optimizer.loadState(state);
  } catch (err) {
    fail(`the optimiser state does not load: ${(err as Error).message}`);
  }
  expected.forEach(({ value }, i) => value.data.set(values[i]));
  generators.forEach((g, i) => g.setState(savedGenerators[i].map((v) => v ?? Number.NaN)));
  return checkpoint;
}
