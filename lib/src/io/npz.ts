// .npz archives: a zip of .npy files, one per named array, as numpy.savez writes them
// (zipped with fflate, stored uncompressed like np.savez). Written atomically; read with
// ./unzip, which checks every size before allocating and every entry's CRC-32.
import * as fs from "fs";
import { zipSync } from "fflate";
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import { writeFileAtomic } from "../paths";
import { decodeNpy, encodeNpy, NpyArray } from "./npy";
import { readZip, ZipEntry, ZipError } from "./unzip";

/**
 * The most the compressed arrays of one archive may inflate to: 512 MiB, over twice the
 * largest archive the labs write (a processed training split, ~200 MB). Stored arrays
 * (what saveNpz writes) are not inflated and need no cap.
 */
export const MAX_NPZ_INFLATED_BYTES = 512 * 1024 * 1024;

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
  let entries: ZipEntry[];
  try {
    entries = readZip(fs.readFileSync(file), { wanted: (name) => name.endsWith(".npy"), maxInflatedBytes: MAX_NPZ_INFLATED_BYTES });
  } catch (err) {
    if (!(err instanceof ZipError)) throw err;
    if (err.tooLarge) throw new DataError(`${file}: ${err.message} (a zip bomb or a damaged file); run ${producer} again to rewrite it`);
    throw new DataError(`${file}: not a valid .npz (zip) file (${err.message}); run ${producer} again to rewrite it`);
  }
  const arrays: Record<string, NpyArray> = {};
  for (const { name, data } of entries) {
    // defineProperty: an entry named __proto__.npy must become a key, not the object's prototype.
    Object.defineProperty(arrays, name.slice(0, -4), { value: decodeNpy(data, `${file}:${name}`), enumerable: true, writable: true, configurable: true });
  }
  return arrays;
}

/** The named array of an archive as a float32 matrix, with a clear error when it is not one. */
export function npzMatrix(arrays: Record<string, NpyArray>, name: string, file: string): Matrix {
  const a = arrays[name];
  if (a === undefined) throw new DataError(`${file}: has no array ${JSON.stringify(name)} (it has ${Object.keys(arrays).join(", ")})`);
  if (a.shape.length !== 2 || !(a.data instanceof Float32Array))
    throw new DataError(`${file}: ${name} is ${a.dtype} of shape (${a.shape}), expected a 2-D float32 array`);
  return new Matrix(a.shape[0], a.shape[1], a.data);
}
