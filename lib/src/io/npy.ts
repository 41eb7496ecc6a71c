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

/** The shape tuple's text, e.g. "3, 4" or "3," or "", as integers >= 0; null if it is anything else. */
function parseShape(text: string): number[] | null {
  if (!/^\s*(?:\d+\s*,\s*)*(?:\d+\s*,?\s*)?$/.test(text)) return null;
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** At most this much of a header is quoted in an error message. */
const QUOTE_LIMIT = 200;

/** Decodes a .npy file written by numpy or encodeNpy; `name` is used in error messages. */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(`${name}: not a .npy file (bad magic)`);
  const major = bytes[6];
  if (major < 1 || major > 3) {
    throw new DataError(`${name}: .npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are); save it again with numpy`);
  }
  // Version 1 has a uint16 header length, versions 2 and 3 a uint32.
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new DataError(`${name}: truncated .npy header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLength > bytes.length) {
    throw new DataError(`${name}: .npy header length ${headerLength} does not fit in the ${bytes.length}-byte file (truncated?)`);
  }
  const header = Buffer.from(bytes.subarray(start, start + headerLength)).toString(major === 3 ? "utf8" : "latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(
      `${name}: unreadable .npy header ${JSON.stringify(header.trim().slice(0, QUOTE_LIMIT))}; expected a dict with 'descr', 'fortran_order' and 'shape'`,
    );
  }
  if (fortran === "True") throw new DataError(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = parseShape(shapeText);
  if (shape === null) throw new DataError(`${name}: .npy shape (${shapeText.slice(0, QUOTE_LIMIT)}) is not a tuple of integers >= 0 (damaged header?)`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const expect = (itemBytes: number): Uint8Array => {
    // Checked before copying: the header alone must not size an allocation.
    const length = bytes.length - dataStart;
    if (length !== count * itemBytes) {
      throw new DataError(`${name}: ${length} data bytes for shape (${shape.join(", ")}) of ${descr}, expected ${count * itemBytes} (truncated or damaged?)`);
    }
    return new Uint8Array(bytes.subarray(dataStart)); // a copy, aligned for the typed array
  };
  switch (descr) {
    case "<f4":
      return { dtype: descr, shape, data: new Float32Array(expect(4).buffer) };
    case "<f8":
      return { dtype: descr, shape, data: new Float64Array(expect(8).buffer) };
    case "<i4":
      return { dtype: descr, shape, data: new Int32Array(expect(4).buffer) };
    case "|u1":
      return { dtype: descr, shape, data: expect(1) };
  }
  const unicode = /^<U(\d+)$/.exec(descr);
  if (unicode) {
    const width = Number(unicode[1]);
    // Width 0 would let a shape of any size pass the length check with no data.
    if (width < 1) throw new DataError(`${name}: dtype ${descr} holds no characters; numpy writes <U1 or wider`);
    const codes = new Uint32Array(expect(4 * width).buffer);
    return { dtype: descr as NpyDtype, shape, data: decodeStrings(codes, count, width, name) };
  }
  throw new DataError(`${name}: dtype ${descr.slice(0, QUOTE_LIMIT)} is not supported (float32, float64, int32, uint8 and unicode are)`);
}

/** `count` strings of `width` UTF-32 code points each, zero-padded. */
function decodeStrings(codes: Uint32Array, count: number, width: number, name: string): string[] {
  const strings = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let j = i * width; j < (i + 1) * width; j++) {
      const c = codes[j];
      if (c === 0) continue;
      if (c > 0x10ffff) throw new DataError(`${name}: string ${i} holds ${c}, which is not a Unicode code point (damaged file?)`);
      s += String.fromCodePoint(c);
    }
    strings[i] = s;
  }
  return strings;
}
