// .npz archives: a zip of .npy files, one per named array, as numpy.savez writes them
// (zipped with fflate, stored uncompressed like np.savez). Written atomically.
import * as fs from "fs";
import { unzipSync, zipSync } from "fflate";
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import { writeFileAtomic } from "../paths";
import { decodeNpy, encodeNpy, NpyArray } from "./npy";

/** What can go into an archive: a matrix (2-D), a vector, or one string. */
export type NpzValue = Matrix | Float32Array | Float64Array | Int32Array | Uint8Array | string;

function asNpy(value: NpzValue): { data: NpyArray["data"]; shape: number[] } {
  if (value instanceof Matrix) return { data: value.data, shape: [value.rows, value.cols] };
  if (typeof value === "string") return { data: [value], shape: [] };
  return { data: value, shape: [value.length] };
}

/** Writes arrays as file (.npz), readable with numpy.load; names become the keys. */
export function saveNpz(file: string, arrays: Record<string, NpzValue>): void {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, value] of Object.entries(arrays)) {
    if (!/^\w+$/.test(name)) throw new DataError(`saveNpz: array name ${JSON.stringify(name)} must be letters, digits and _`);
    const { data, shape } = asNpy(value);
    entries[`${name}.npy`] = encodeNpy(data, shape);
  }
  writeFileAtomic(file, zipSync(entries, { level: 0 }));
}

/** Reads every array of an .npz file. */
export function loadNpz(file: string, producer = "the notebook that writes it"): Record<string, NpyArray> {
  if (!fs.existsSync(file)) throw new DataError(`${file}: no such file; run ${producer} first`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(fs.readFileSync(file));
  } catch (err) {
    throw new DataError(`${file}: not a valid .npz (zip) file (${(err as Error).message})`);
  }
  const arrays: Record<string, NpyArray> = {};
  for (const [entry, bytes] of Object.entries(files)) {
    if (!entry.endsWith(".npy")) continue;
    arrays[entry.slice(0, -4)] = decodeNpy(bytes, `${file}:${entry}`);
  }
  return arrays;
}

/** The named array of an archive as a float32 matrix, with a clear error when it is not one. */
export function npzMatrix(arrays: Record<string, NpyArray>, name: string, file: string): Matrix {
  const a = arrays[name];
  if (a === undefined) throw new DataError(`${file}: has no array ${JSON.stringify(name)} (it has ${Object.keys(arrays).join(", ")})`);
  if (a.shape.length !== 2 || !(a.data instanceof Float32Array)) throw new DataError(`${file}: ${name} is ${a.dtype} of shape (${a.shape}), expected a 2-D float32 array`);
  return new Matrix(a.shape[0], a.shape[1], a.data);
}

