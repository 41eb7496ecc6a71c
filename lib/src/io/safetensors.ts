// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the raw little-endian bytes. Plain data: loading it runs no code.
// Only float32 ("F32") tensors are written and read here. The format has no checksum, so
// the SHA-256 of the data section goes into the metadata (data_sha256) and is checked on
// every read: a flipped bit in a tensor is refused instead of loading silently.
import { createHash } from "crypto";
import { DataError } from "../errors";

/** The metadata key of the data section's SHA-256 (hex). */
export const DATA_SHA256 = "data_sha256";

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  /** The header's __metadata__: string keys and string values. */
  metadata: Record<string, string>;
  /** Whether the data matched a recorded SHA-256 ("verified") or the file has none ("absent", written before checksums). */
  checksum: "verified" | "absent";
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Encodes tensors (and string metadata, plus the data's SHA-256) as one safetensors file. */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string>): Uint8Array {
  const hash = createHash("sha256");
  for (const t of tensors) hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const header: Record<string, unknown> = { __metadata__: { ...metadata, [DATA_SHA256]: hash.digest("hex") } };
  let offset = 0;
  for (const t of tensors) {
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) {
      throw new DataError(`safetensors: tensor ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
    }
    header[t.name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    // NOTE: typed arrays use the machine's byte order; every platform Node runs on is little-endian.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Decodes and validates a safetensors file; `file` names it in every error. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new DataError(`${file}: ${problem}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (truncated?)`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} does not fit in the ${bytes.length}-byte file (truncated or not a safetensors file)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8")) as Record<string, unknown>;
  } catch (err) {
    return fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) fail("header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined) {
    if (rawMeta === null || typeof rawMeta !== "object" || Array.isArray(rawMeta)) fail("__metadata__ is not an object of strings");
    for (const [k, v] of Object.entries(rawMeta as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`__metadata__.${k} is not a string`);
      metadata[k] = v as string;
    }
  }
  const tensors = new Map<string, NamedTensor>();
  const ranges: Array<[number, number, string]> = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      const what = entry === null ? "null" : Array.isArray(entry) ? "an array" : `a ${typeof entry}`;
      fail(`tensor ${name} is ${what}, expected an object with dtype, shape and data_offsets (damaged header?)`);
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== "F32") fail(`tensor ${name} has dtype ${JSON.stringify(e.dtype)}; only F32 is supported`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor ${name} has an invalid shape`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(`tensor ${name} has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== count * 4) fail(`tensor ${name}: data_offsets [${begin}, ${end}] do not hold ${count} float32 values`);
    if (end > dataLength) fail(`tensor ${name} ends at byte ${end} but the data has ${dataLength} bytes (truncated?)`);
    // Copy (new Uint8Array(view) copies; Buffer#slice would not): the tensor may not be 4-byte aligned in the file.
    const data = new Float32Array(new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end)).buffer);
    tensors.set(name, { name, shape: shape as number[], data });
    ranges.push([begin, end, name]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== covered) fail(`tensor ${name} starts at byte ${begin}, expected ${covered} (overlapping or gapped data)`);
    covered = end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes after the last tensor (damaged file?)`);
  const recorded = metadata[DATA_SHA256];
  if (recorded === undefined) return { tensors, metadata, checksum: "absent" };
  const actual = createHash("sha256").update(bytes.subarray(dataStart)).digest("hex");
  if (actual !== recorded)
    fail(
      `the tensor data does not match the SHA-256 recorded in the file (${recorded.slice(0, 12)}…, got ${actual.slice(0, 12)}…): the file is damaged; train it again or restore a copy`,
    );
  return { tensors, metadata, checksum: "verified" };
}
