// Reads zip archives (the container of .npz files) without trusting them: every offset and
// size is checked against the archive before it is used, the declared sizes together must
// stay under a cap before anything inflates, a deflated entry inflates no further than its
// declared size, and each entry's CRC-32 must match.
// Stored and deflated entries, zip64 sizes: what numpy and fflate write. (fflate's own
// reader allocates whatever size a header declares and loops forever on some zip64 headers.)
import * as zlib from "zlib";

/** Why bytes are not a readable archive; `tooLarge` when entries would inflate past the cap or their declared size. */
export class ZipError extends Error {
  override name = "ZipError";
  constructor(message: string, readonly tooLarge = false) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export interface ReadZipOptions {
  /** Entries to read; the others are skipped without being inflated or checked. */
  wanted: (name: string) => boolean;
  /** The most bytes the wanted deflated entries may inflate to, together. */
  maxInflatedBytes: number;
}

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A 32-bit size or offset of this value means "see the zip64 extra field". */
const IN_ZIP64 = 0xffffffff;

/** The wanted entries of a zip archive, in central-directory order. */
export function readZip(bytes: Uint8Array, options: ReadZipOptions): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  // Numbers stay exact up to 2^53; anything larger fails the bounds checks below anyway.
  const u64 = (at: number): number => Number(view.getBigUint64(at, true));

  const end = findEndRecord(bytes, u32);
  let count = u16(end + 10);
  let directorySize = u32(end + 12);
  let directoryStart = u32(end + 16);
  let directoryLimit = end;
  if (count === 0xffff || directorySize === IN_ZIP64 || directoryStart === IN_ZIP64) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== ZIP64_LOCATOR) throw new ZipError("zip64 sizes without a zip64 end record");
    const record = u64(locator + 8);
    if (record + 56 > locator || u32(record) !== ZIP64_END) throw new ZipError(`no zip64 end record at byte ${record}`);
    count = u64(record + 32);
    directorySize = u64(record + 40);
    directoryStart = u64(record + 48);
    directoryLimit = record;
  }
  const directoryEnd = directoryStart + directorySize;
  if (directoryEnd > directoryLimit) throw new ZipError(`the central directory (${directorySize} bytes at byte ${directoryStart}) runs past the end of the archive (truncated?)`);
  if (count * 46 > directorySize) throw new ZipError(`${count} entries do not fit in a ${directorySize}-byte central directory`);

  // First the whole directory, so that the sizes of all wanted entries are checked before any inflates.
  const wanted: Array<{ name: string; flags: number; method: number; crc: number; compressed: number; size: number; local: number }> = [];
  const names = new Set<string>();
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryEnd || u32(at) !== CENTRAL) throw new ZipError(`central directory entry ${i + 1} of ${count} is damaged`);
    const flags = u16(at + 8);
    const nameStart = at + 46;
    const extraStart = nameStart + u16(at + 28);
    const extraEnd = extraStart + u16(at + 30);
    const next = extraEnd + u16(at + 32);
    if (next > directoryEnd) throw new ZipError(`central directory entry ${i + 1} of ${count} runs past the directory`);
    // Bit 11: the name is UTF-8; else code page 437, of which ASCII names (numpy's) are the same in latin1.
    const name = Buffer.from(bytes.subarray(nameStart, extraStart)).toString(flags & 0x800 ? "utf8" : "latin1");
    const entry = { name, flags, method: u16(at + 10), crc: u32(at + 16), compressed: u32(at + 20), size: u32(at + 24), local: u32(at + 42) };
    if (entry.size === IN_ZIP64 || entry.compressed === IN_ZIP64 || entry.local === IN_ZIP64) readZip64Extra(view, extraStart, extraEnd, entry);
    at = next;
    if (names.has(name)) throw new ZipError(`two entries are named ${name}`);
    names.add(name);
    if (options.wanted(name)) wanted.push(entry);
  }
  const inflated = wanted.reduce((sum, e) => sum + (e.method === 8 ? e.size : 0), 0);
  if (inflated > options.maxInflatedBytes) {
    throw new ZipError(`its entries would inflate to ${inflated} bytes, more than the ${options.maxInflatedBytes} allowed`, true);
  }

  return wanted.map(({ name, flags, method, crc, compressed, size, local }) => {
    if (flags & 1) throw new ZipError(`entry ${name} is encrypted`);
    if (local + 30 > directoryStart || u32(local) !== LOCAL) throw new ZipError(`entry ${name} has no local header at byte ${local}`);
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataStart + compressed > directoryStart) throw new ZipError(`entry ${name}: ${compressed} bytes at byte ${dataStart} run past the entries (truncated?)`);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    let data: Uint8Array;
    if (method === 0) {
      if (compressed !== size) throw new ZipError(`stored entry ${name} has a size of ${compressed} and of ${size} bytes`);
      data = raw;
    } else if (method === 8) {
      data = inflate(raw, size, name);
    } else {
      throw new ZipError(`entry ${name} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    if (zlib.crc32(data) !== crc) throw new ZipError(`entry ${name} fails its CRC-32 check (damaged)`);
    return { name, data };
  });
}

/** The end-of-central-directory record: the last one, within the 64 KiB a comment may take. */
function findEndRecord(bytes: Uint8Array, u32: (at: number) => number): number {
  if (bytes.length < 22) throw new ZipError(`${bytes.length} bytes is too short for a zip archive`);
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (u32(at) === END) return at;
  }
  throw new ZipError("no end-of-central-directory record (not a zip archive, or truncated)");
}

/** Replaces the 32-bit fields marked IN_ZIP64 by their 64-bit values, in the order the format lists them. */
function readZip64Extra(view: DataView, start: number, end: number, sizes: { name: string; compressed: number; size: number; local: number }): void {
  const name = sizes.name;
  for (let at = start; at + 4 <= end; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) !== 1) continue;
    const fieldEnd = Math.min(end, at + 4 + view.getUint16(at + 2, true));
    let p = at + 4;
    const next = (): number => {
      if (p + 8 > fieldEnd) throw new ZipError(`entry ${name}: zip64 extra field too short`);
      p += 8;
      return Number(view.getBigUint64(p - 8, true));
    };
    if (sizes.size === IN_ZIP64) sizes.size = next();
    if (sizes.compressed === IN_ZIP64) sizes.compressed = next();
    if (sizes.local === IN_ZIP64) sizes.local = next();
    return;
  }
  throw new ZipError(`entry ${name} has zip64 sizes but no zip64 extra field`);
}

/** Inflates raw deflate data that must come to exactly `size` bytes; stops (and refuses) past it. */
function inflate(raw: Uint8Array, size: number, name: string): Uint8Array {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ZipError(`entry ${name} inflates to more than the ${size} bytes its header declares`, true);
    }
    throw new ZipError(`entry ${name}: damaged compressed data (${(err as Error).message})`);
  }
  if (out.length !== size) throw new ZipError(`entry ${name} inflates to ${out.length} bytes, its header declares ${size}`);
  return out;
}
