// Zip structures for the .npz fuzz cases: a small writer for archives no normal writer makes
// (zip64 records with missing or short extra fields, duplicate names, lying sizes), and
// deflate bombs. Where the records of a valid archive are comes from the reader (readZipDirectory).
import * as zlib from "zlib";

/** One entry of a valid archive as it is stored: compressed payload and header values. */
export interface RawEntry {
  name: string;
  method: number;
  crc: number;
  /** Uncompressed size as the headers declare it. */
  size: number;
  payload: Uint8Array;
}

/** How writeZip marks an entry's sizes as zip64. */
export type Zip64Mark = "none" | "extra" | "no extra" | "short extra";

export interface WriteOptions {
  /** Per entry (by index), default "none". */
  zip64?: Zip64Mark[];
  /** End with zip64 end records (count 0xffff in the classic one); "bad locator" points them nowhere. */
  zip64End?: "none" | "records" | "bad locator";
}

/** Writes entries as given (names may repeat, sizes may lie): the archive a fuzz case needs. */
export function writeZip(entries: RawEntry[], options: WriteOptions = {}): Uint8Array {
  const chunks: Buffer[] = [];
  let offset = 0;
  const central: Buffer[] = [];
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.payload.length, 18);
    local.writeUInt32LE(Math.min(e.size, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, Buffer.from(e.payload));
    const mark = options.zip64?.[i] ?? "none";
    let extra = Buffer.alloc(0);
    if (mark === "extra") {
      extra = Buffer.alloc(28);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(e.size), 4);
      extra.writeBigUInt64LE(BigInt(e.payload.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    } else if (mark === "short extra") {
      extra = Buffer.alloc(12);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(e.size), 4);
    }
    const zip64 = mark !== "none";
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(45, 4);
    record.writeUInt16LE(45, 6);
    record.writeUInt16LE(0x800, 8);
    record.writeUInt16LE(e.method, 10);
    record.writeUInt32LE(e.crc, 16);
    record.writeUInt32LE(zip64 ? 0xffffffff : e.payload.length, 20);
    record.writeUInt32LE(zip64 ? 0xffffffff : Math.min(e.size, 0xffffffff), 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt16LE(extra.length, 30);
    record.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    central.push(record, name, extra);
    offset += 30 + name.length + e.payload.length;
  });
  const directory = Buffer.concat(central);
  const tail: Buffer[] = [];
  const endKind = options.zip64End ?? "none";
  if (endKind !== "none") {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(endKind === "bad locator" ? 0xfffffffffn : BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = endKind === "none" ? entries.length : 0xffff;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(endKind === "none" ? offset : 0xffffffff, 16);
  return Buffer.concat([...chunks, directory, ...tail, end]);
}

let zeroChunk: Buffer | null = null;

/**
 * A raw deflate stream of `mib` MiB of zeros, about 1 KB per MiB: one fully flushed chunk
 * (no reference to earlier data) repeated, then an empty final block.
 */
export function deflateBomb(mib: number): Uint8Array {
  zeroChunk ??= zlib.deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: mib }, () => zeroChunk as Buffer), Buffer.from([0x03, 0x00])]);
}
