// NumPy's .npy format, version 1.0 (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the magic "\x93NUMPY", a version, a little-endian uint16 header length, a Python dict
// literal {'descr', 'fortran_order', 'shape'} padded to a multiple of 64 bytes, then the
// data in C order. Supported: little-endian float32/float64/int32, uint8, unicode strings.
import { DataError } from "../errors";

export type NpyDtype = "<f4" | "<f8" | "<i4" | "|u1" | `<U${number}`;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Numbers in C order, or strings for a unicode array. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array | string[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function dtypeOf(data: NpyArray["data"]): NpyDtype {
  if (data instanceof Float32Array) return "<f4";
  if (data instanceof Float64Array) return "<f8";
  if (data instanceof Int32Array) return "<i4";
  if (data instanceof Uint8Array) return "|u1";
  const width = Math.max(1, ...data.map((s) => [...s].length));
  return `<U${width}`;
}

/** Encodes values of the given shape (C order) as a .npy file. */
export function encodeNpy(data: NpyArray["data"], shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new DataError(`npy: ${data.length} values do not fill shape (${shape.join(", ")})`);
  const dtype = dtypeOf(data);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces and end with a newline so magic + version + length + header is a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  let body: Uint8Array;
  if (Array.isArray(data)) {
    const width = Number(dtype.slice(2));
    const codes = new Uint32Array(count * width); // UTF-32 code points, zero-padded
    data.forEach((s, i) => [...s].forEach((ch, j) => (codes[i * width + j] = ch.codePointAt(0) ?? 0)));
    body = new Uint8Array(codes.buffer);
  } else {
    // NOTE: typed arrays use the machine's byte order; every platform Node runs on is little-endian.
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out.set([1, 0], 6);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, "latin1"), 10);
  out.set(body, total);
  return out;
}

/** Decodes a .npy file written by numpy or encodeNpy; `name` is used in error messages. */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(`${name}: not a .npy file (bad magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(start, start + headerLength)).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new DataError(`${name}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === "True") throw new DataError(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const raw = new Uint8Array(bytes.subarray(dataStart)); // a copy, aligned for the typed array
  const expect = (itemBytes: number): void => {
    if (raw.length !== count * itemBytes) throw new DataError(`${name}: ${raw.length} data bytes for shape (${shape.join(", ")}) of ${descr}`);
  };
  switch (descr) {
    case "<f4":
      expect(4);
      return { dtype: descr, shape, data: new Float32Array(raw.buffer) };
    case "<f8":
      expect(8);
      return { dtype: descr, shape, data: new Float64Array(raw.buffer) };
    case "<i4":
      expect(4);
      return { dtype: descr, shape, data: new Int32Array(raw.buffer) };
    case "|u1":
      expect(1);
      return { dtype: descr, shape, data: raw };
  }
  const unicode = /^<U(\d+)$/.exec(descr);
  if (unicode) {
    const width = Number(unicode[1]);
    expect(4 * width);
    const codes = new Uint32Array(raw.buffer);
    const strings = Array.from({ length: count }, (_, i) => {
      const chars = Array.from(codes.subarray(i * width, (i + 1) * width)).filter((c) => c !== 0);
      return String.fromCodePoint(...chars);
    });
    return { dtype: descr as NpyDtype, shape, data: strings };
  }
  throw new DataError(`${name}: dtype ${descr} is not supported (float32, float64, int32, uint8 and unicode are)`);
}
