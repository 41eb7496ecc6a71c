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

/** Gunzips when the bytes start with the gzip signature 1f 8b, else returns them as they are. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return zlib.gunzipSync(bytes);
    } catch (err) {
      throw new DataError(`${file}: not a valid gzip file (${(err as Error).message}); delete it and fetch it again`);
    }
  }
  return bytes;
}

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
