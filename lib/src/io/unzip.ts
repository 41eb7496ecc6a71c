// Reads zip archives (the container of .npz files) without trusting them: every offset and
// size is checked against the archive before it is used, each local header must agree with
// the central directory, the declared sizes together must stay under a cap before anything
// inflates, a deflated entry inflates no further than its declared size, and each entry's
// CRC-32 must match.
// Stored and deflated entries, zip64 sizes: what numpy and fflate write. (fflate's own
// reader allocates whatever size a header declares and loops forever on some zip64 headers.)
import * as zlib from "zlib";

/** Why bytes are not a readable archive; `tooLarge` when entries would inflate past the cap or their declared size. */
export class ZipError extends Error {
  override name = "ZipError";
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
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

/** One entry of an archive, where its central directory and local header agree on it. */
export interface ZipRecord {
  name: string;
  flags: number;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  /** Bytes as stored (the length of payload). */
  compressed: number;
  /** Bytes once inflated. */
  size: number;
  /** Offset of its central-directory record. */
  central: number;
  /** Offset of its local header. */
  local: number;
  /** Its bytes as stored (deflated when method is 8): a view into the archive, not a copy. */
  payload: Uint8Array;
}

/** Where the records of an archive are. */
export interface ZipDirectory {
  /** Offset of the end-of-central-directory record. */
  end: number;
  /** Every entry, in central-directory order. */
  entries: ZipRecord[];
}

/**
 * The records of a zip archive, read and checked without inflating anything: every offset
 * and size lies inside the archive, no two entries share a name, and each local header
 * has the name, method and sizes of its central-directory record.
 */
export function readZipDirectory(bytes: Uint8Array): ZipDirectory {
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
  if (directoryEnd > directoryLimit)
    throw new ZipError(`the central directory (${directorySize} bytes at byte ${directoryStart}) runs past the end of the archive (truncated?)`);
  if (count * 46 > directorySize) throw new ZipError(`${count} entries do not fit in a ${directorySize}-byte central directory`);

  const entries: ZipRecord[] = [];
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
    const nameBytes = bytes.subarray(nameStart, extraStart);
    const name = decodeName(nameBytes, flags);
    const sizes = { compressed: u32(at + 20), size: u32(at + 24), local: u32(at + 42) };
    if (sizes.size === IN_ZIP64 || sizes.compressed === IN_ZIP64 || sizes.local === IN_ZIP64)
      readZip64Extra(view, extraStart, extraEnd, sizes, `entry ${name}`);
    if (names.has(name)) throw new ZipError(`two entries are named ${name}`);
    names.add(name);
    const { local, compressed, size } = sizes;
    const method = u16(at + 10);
    const dataStart = checkLocalHeader(bytes, view, { name, nameBytes, method, compressed, size, local }, directoryStart);
    entries.push({ name, flags, method, crc: u32(at + 16), compressed, size, central: at, local, payload: bytes.subarray(dataStart, dataStart + compressed) });
    at = next;
  }
  return { end, entries };
}

/** Bit 11 of the flags: the name is UTF-8; else code page 437, of which ASCII names (numpy's) are the same in latin1. */
function decodeName(nameBytes: Uint8Array, flags: number): string {
  return Buffer.from(nameBytes).toString(flags & 0x800 ? "utf8" : "latin1");
}

/**
 * Checks the local header of an entry against its central-directory record (a reader that
 * goes by either must see the same entry); the offset of its data.
 */
function checkLocalHeader(
  bytes: Uint8Array,
  view: DataView,
  entry: { name: string; nameBytes: Uint8Array; method: number; compressed: number; size: number; local: number },
  directoryStart: number,
): number {
  const { name, local } = entry;
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  if (local + 30 > directoryStart || u32(local) !== LOCAL) throw new ZipError(`entry ${name} has no local header at byte ${local}`);
  const flags = u16(local + 6);
  const nameStart = local + 30;
  const extraStart = nameStart + u16(local + 26);
  const dataStart = extraStart + u16(local + 28);
  if (dataStart + entry.compressed > directoryStart)
    throw new ZipError(`entry ${name}: ${entry.compressed} bytes at byte ${dataStart} run past the entries (truncated?)`);
  const localName = bytes.subarray(nameStart, extraStart);
  if (Buffer.compare(localName, entry.nameBytes) !== 0) {
    throw new ZipError(`entry ${name}: its local header names it ${decodeName(localName, flags)} (damaged)`);
  }
  const method = u16(local + 8);
  if (method !== entry.method)
    throw new ZipError(`entry ${name}: compression method ${entry.method} in the central directory, ${method} in its local header (damaged)`);
  // Bit 3: the sizes follow the data (a streaming writer's data descriptor); the header holds zeros.
  if (flags & 0x8) return dataStart;
  const sizes = { compressed: u32(local + 18), size: u32(local + 22), local: 0 };
  if (sizes.size === IN_ZIP64 || sizes.compressed === IN_ZIP64) readZip64Extra(view, extraStart, dataStart, sizes, `entry ${name}'s local header`);
  if (sizes.compressed !== entry.compressed || sizes.size !== entry.size) {
    throw new ZipError(
      `entry ${name}: the central directory gives ${entry.compressed} bytes stored and ${entry.size} inflated, its local header ${sizes.compressed} and ${sizes.size} (damaged)`,
    );
  }
  return dataStart;
}

/** The wanted entries of a zip archive, in central-directory order. */
export function readZip(bytes: Uint8Array, options: ReadZipOptions): ZipEntry[] {
  // First the whole directory, so that the sizes of all wanted entries are checked before any inflates.
  const wanted = readZipDirectory(bytes).entries.filter((e) => options.wanted(e.name));
  const inflated = wanted.reduce((sum, e) => sum + (e.method === 8 ? e.size : 0), 0);
  if (inflated > options.maxInflatedBytes) {
    throw new ZipError(`its entries would inflate to ${inflated} bytes, more than the ${options.maxInflatedBytes} allowed`, true);
  }

  return wanted.map(({ name, flags, method, crc, compressed, size, payload }) => {
    if (flags & 1) throw new ZipError(`entry ${name} is encrypted`);
    let data: Uint8Array;
    if (method === 0) {
      if (compressed !== size) throw new ZipError(`stored entry ${name} has a size of ${compressed} and of ${size} bytes`);
      data = payload;
    } else if (method === 8) {
      data = inflate(payload, size, name);
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

/**
 * Replaces the 32-bit fields marked IN_ZIP64 by their 64-bit values, in the order the format
 * lists them (a local header has no offset field: give it local 0).
 */
function readZip64Extra(view: DataView, start: number, end: number, sizes: { compressed: number; size: number; local: number }, what: string): void {
  for (let at = start; at + 4 <= end; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) !== 1) continue;
    const fieldEnd = Math.min(end, at + 4 + view.getUint16(at + 2, true));
    let p = at + 4;
    const next = (): number => {
      if (p + 8 > fieldEnd) throw new ZipError(`${what}: zip64 extra field too short`);
      p += 8;
      return Number(view.getBigUint64(p - 8, true));
    };
    if (sizes.size === IN_ZIP64) sizes.size = next();
    if (sizes.compressed === IN_ZIP64) sizes.compressed = next();
    if (sizes.local === IN_ZIP64) sizes.local = next();
    return;
  }
  throw new ZipError(`${what} has zip64 sizes but no zip64 extra field`);
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
