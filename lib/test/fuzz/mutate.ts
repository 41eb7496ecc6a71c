// Byte-level mutations of a valid file, each driven by a seeded Rng so that a case is
// reproduced from its seed alone. Offsets lean towards the header, where parsing happens.
import { concatBytes } from "../../src/bytes";
import { Rng } from "../../src/random";

/** Mutated bytes and what was done to them, for the report. */
export interface Mutation {
  label: string;
  bytes: Uint8Array;
}

/** Integers at the edges where readers overflow, mis-size or mis-compare. */
export const EDGE_U32 = [0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x10000, 1e9, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

export function chance(rng: Rng, p: number): boolean {
  return rng.uniform() < p;
}

/** An offset in [0, length): half the time within the first `header` bytes. */
export function offsetIn(rng: Rng, length: number, header: number): number {
  if (length === 0) return 0;
  return chance(rng, 0.5) ? rng.int(Math.min(header, length)) : rng.int(length);
}

/** Random bytes; a third of the time from EDGE bytes, so headers see 0x00 / 0xff often. */
export function randomBytes(rng: Rng, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = chance(rng, 0.3) ? pick(rng, [0x00, 0x01, 0x7f, 0x80, 0xff]) : rng.int(256);
  return out;
}

/** A copy with a 16- or 32-bit integer written at `at` (clipped to the end of the bytes). */
export function withUint(bytes: Uint8Array, at: number, value: number, width: 2 | 4 | 8, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(Math.max(bytes.length, at + width));
  out.set(bytes);
  const view = new DataView(out.buffer);
  if (width === 2) view.setUint16(at, value & 0xffff, littleEndian);
  else if (width === 4) view.setUint32(at, value >>> 0, littleEndian);
  else view.setBigUint64(at, BigInt(Math.floor(value)) & 0xffffffffffffffffn, littleEndian);
  return out.length === bytes.length ? out : out.subarray(0, bytes.length);
}

type ByteMutator = (bytes: Uint8Array, rng: Rng, header: number) => Mutation;

const MUTATORS: ByteMutator[] = [
  function flipBit(bytes, rng, header) {
    if (bytes.length === 0) return { label: "flip (empty)", bytes };
    const at = offsetIn(rng, bytes.length, header);
    const bit = rng.int(8);
    const out = bytes.slice();
    out[at] ^= 1 << bit;
    return { label: `flip bit ${bit} of byte ${at}`, bytes: out };
  },
  function overwrite(bytes, rng, header) {
    if (bytes.length === 0) return { label: "overwrite (empty)", bytes };
    const at = offsetIn(rng, bytes.length, header);
    const run = randomBytes(rng, 1 + rng.int(Math.min(8, bytes.length - at)));
    const out = bytes.slice();
    out.set(run, at);
    return { label: `overwrite ${run.length} bytes at ${at}`, bytes: out };
  },
  function edgeInteger(bytes, rng, header) {
    const at = offsetIn(rng, bytes.length, header);
    const width = pick(rng, [2, 4] as const);
    const value = pick(rng, EDGE_U32);
    const le = chance(rng, 0.5);
    return { label: `u${width * 8}${le ? "le" : "be"} ${value} at ${at}`, bytes: withUint(bytes, at, value, width, le) };
  },
  function truncate(bytes, rng, header) {
    const keep = chance(rng, 0.5) ? rng.int(Math.min(header + 1, bytes.length + 1)) : rng.int(bytes.length + 1);
    return { label: `truncate to ${keep} of ${bytes.length}`, bytes: bytes.slice(0, keep) };
  },
  function extend(bytes, rng) {
    const extra = chance(rng, 0.5) ? randomBytes(rng, 1 + rng.int(16)) : bytes.slice(0, 1 + rng.int(Math.max(1, bytes.length)));
    return { label: `append ${extra.length} bytes`, bytes: concatBytes(bytes, extra) };
  },
  function remove(bytes, rng, header) {
    const at = offsetIn(rng, bytes.length, header);
    const count = 1 + rng.int(8);
    return { label: `delete ${count} bytes at ${at}`, bytes: concatBytes(bytes.subarray(0, at), bytes.subarray(at + count)) };
  },
  function insert(bytes, rng, header) {
    const at = offsetIn(rng, bytes.length + 1, header);
    const run = randomBytes(rng, 1 + rng.int(8));
    return { label: `insert ${run.length} bytes at ${at}`, bytes: concatBytes(bytes.subarray(0, at), run, bytes.subarray(at)) };
  },
  function duplicate(bytes, rng, header) {
    const at = offsetIn(rng, bytes.length, header);
    const span = bytes.subarray(at, at + 1 + rng.int(32));
    return { label: `repeat ${span.length} bytes at ${at}`, bytes: concatBytes(bytes.subarray(0, at + span.length), span, bytes.subarray(at + span.length)) };
  },
];

/**
 * One to three byte-level mutations: bit flips, overwrites, edge integers, truncation,
 * appended, deleted, inserted or repeated bytes.
 * @param header how many leading bytes are header (favoured as targets)
 */
export function mutateBytes(bytes: Uint8Array, rng: Rng, header: number): Mutation {
  const rounds = 1 + (chance(rng, 0.3) ? rng.int(3) : 0);
  let current: Mutation = { label: "", bytes };
  const labels: string[] = [];
  for (let i = 0; i < rounds; i++) {
    current = pick(rng, MUTATORS)(current.bytes, rng, header);
    labels.push(current.label);
  }
  return { label: labels.join(", "), bytes: current.bytes };
}
