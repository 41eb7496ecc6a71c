// Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// a big-endian header (magic 0x0000_08_NN with NN = number of dimensions, then each
// dimension as uint32) followed by unsigned bytes. Every check names the file.
import * as zlib from "zlib";
import { DataError } from "../errors";

/** 2051 = 0x00000803: unsigned bytes, 3 dimensions (images × rows × cols). */
export const IDX_IMAGES_MAGIC = 2051;
/** 2049 = 0x00000801: unsigned bytes, 1 dimension (labels). */
export const IDX_LABELS_MAGIC = 2049;

export interface IdxArray {
  /** Dimensions from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, row-major (a view into the file's bytes). */
  data: Uint8Array;
}

/**
 * The most a gzipped IDX file may inflate to when its expected size is not known (your own
 * data): 256 MiB, over five times the largest MNIST-family file (train images, 47 MB).
 * Without a cap a small gzip bomb would inflate until memory runs out.
 */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

/**
 * Gunzips when the bytes start with the gzip signature 1f 8b, else returns them as they are.
 * Inflates no further than the IDX header at the start promises (and never past maxBytes),
 * so a gzip bomb is refused after a few KB instead of filling memory.
 * @param maxBytes the most the file may inflate to
 */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = MAX_IDX_BYTES): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const header = promisedSize(bytes);
  if (header !== null && header.bytes > maxBytes) {
    throw new DataError(`${file}: its IDX header [${header.dims.join(" × ")}] promises ${header.bytes} bytes, more than the ${maxBytes} this file may hold; delete it and fetch it again`);
  }
  // One byte more than promised, so that a longer file is still told apart (by parseIdx).
  const cap = header === null ? maxBytes : header.bytes + 1;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: cap });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") {
      throw new DataError(`${file}: not a valid gzip file (${(err as Error).message}); delete it and fetch it again`);
    }
    if (header !== null) {
      throw new DataError(`${file}: longer than its header says: header [${header.dims.join(" × ")}] needs ${header.bytes} bytes, it inflates to more (a gzip bomb or a damaged file); delete it and fetch it again`);
    }
    throw new DataError(`${file}: inflates to more than ${maxBytes} bytes, the most this file may hold (a gzip bomb or a damaged file); delete it and fetch it again`);
  }
}

/**
 * The dimensions and byte length an IDX header promises, from inflating only the first 4 KB
 * of a gzipped file; null when those do not start with an IDX header (the full inflate or
 * parseIdx then says what is wrong).
 */
function promisedSize(gz: Uint8Array): { dims: number[]; bytes: number } | null {
  let head: Buffer;
  try {
    // A sync flush returns what a truncated stream inflates to, instead of an error.
    head = zlib.gunzipSync(gz.subarray(0, 4096), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 1024 * 1024 });
  } catch {
    return null;
  }
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head.length < 4 + 4 * head[3]) return null;
  const dims = Array.from({ length: head[3] }, (_, i) => head.readUInt32BE(4 + 4 * i));
  return { dims, bytes: 4 + 4 * dims.length + dims.reduce((a, b) => a * b, 1) };
}

/** IDX element types (the magic number's third byte); only unsigned bytes are read here. */
const IDX_TYPES: Record<number, string> = { 0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "int16", 0x0c: "int32", 0x0d: "float32", 0x0e: "float64" };

/**
 * Parses decompressed IDX bytes, checking the magic number and that the byte length is
 * exactly what the header promises.
 * @param expectedMagic IDX_IMAGES_MAGIC or IDX_LABELS_MAGIC
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, file: string): IdxArray {
  const kind = expectedMagic === IDX_IMAGES_MAGIC ? "an IDX image file" : "an IDX label file";
  if (bytes.length < 8) throw new DataError(`${file}: ${bytes.length} bytes is too short to be ${kind}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    const type = IDX_TYPES[(magic >>> 8) & 0xff];
    if ((magic & 0xffff00ff) === (expectedMagic & 0xffff00ff) && type !== undefined) {
      throw new DataError(`${file}: IDX elements of type ${type}, expected unsigned bytes (magic ${expectedMagic}); convert the data to uint8`);
    }
    throw new DataError(`${file}: magic number ${magic}, expected ${expectedMagic} for ${kind}; is it the right file?`);
  }
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new DataError(`${file}: truncated header (${bytes.length} bytes)`);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated" : "longer than its header says";
    throw new DataError(`${file}: ${what}: header [${dims.join(" × ")}] needs ${expected} bytes, found ${bytes.length}; delete it and fetch it again`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
