// Fuzz cases for the .npz reader: archives of valid .npy files written the way saveNpz
// writes them (stored) or numpy.savez_compressed does (deflated), then damaged bytes, zip
// record field edits, damaged .npy entries, odd names, zip64 records and zip bombs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zipSync } from "fflate";
import { Rng } from "../../src/random";
import { loadNpz, NpzValue, saveNpz } from "../../src/io/npz";
import { concatBytes } from "../../src/bytes";
import { chance, EDGE_U32, Mutation, mutateBytes, pick, withUint } from "./mutate";
import { checkNpy, mutateNpy, randomNpy } from "./npy_target";
import { FuzzCase, FuzzTarget, InvalidObject } from "./runner";
import { readZipDirectory as zipLayout } from "../../src/io/unzip";
import { deflateBomb, RawEntry, writeZip, Zip64Mark } from "./zip_edit";

const KEYS = ["Z", "Yhat", "mse", "y", "dataset"];

/** 1–3 valid .npy files under distinct names. */
function randomEntries(rng: Rng): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  const keys = rng.shuffle([...KEYS]).slice(0, 1 + rng.int(3));
  for (const key of keys) entries[`${key}.npy`] = randomNpy(rng);
  return entries;
}

type Field = readonly [string, number, 2 | 4];
const CENTRAL_FIELDS: Field[] = [
  ["signature", 0, 4],
  ["flags", 8, 2],
  ["method", 10, 2],
  ["crc", 16, 4],
  ["compressed size", 20, 4],
  ["size", 24, 4],
  ["name length", 28, 2],
  ["extra length", 30, 2],
  ["comment length", 32, 2],
  ["local offset", 42, 4],
];
const LOCAL_FIELDS: Field[] = [
  ["signature", 0, 4],
  ["flags", 6, 2],
  ["method", 8, 2],
  ["name length", 26, 2],
  ["extra length", 28, 2],
];
const END_FIELDS: Field[] = [
  ["signature", 0, 4],
  ["entry count", 10, 2],
  ["directory size", 12, 4],
  ["directory offset", 16, 4],
  ["comment length", 20, 2],
];

/** An edit of one field of the central directory, a local header or the end record. */
function editField(archive: Uint8Array, rng: Rng): Mutation {
  const layout = zipLayout(archive);
  const entry = pick(rng, layout.entries);
  const [where, base, fields] = pick(rng, [
    ["central", entry.central, CENTRAL_FIELDS],
    ["local", entry.local, LOCAL_FIELDS],
    ["end", layout.end, END_FIELDS],
  ] as const);
  const [name, at, width] = pick(rng, fields);
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const old = width === 2 ? view.getUint16(base + at, true) : view.getUint32(base + at, true);
  const value = pick(rng, [...EDGE_U32, old + 1, old - 1, old + 46, 1 << 11, 1]);
  return { label: `${where} ${name} = ${value}`, bytes: withUint(archive, base + at, value, width, true) };
}

/** Byte mutations, half the time aimed at the central directory and end record. */
function mutateArchive(archive: Uint8Array, rng: Rng): Mutation {
  if (chance(rng, 0.5)) return mutateBytes(archive, rng, 64);
  const start = zipLayout(archive).entries[0]?.central ?? 0;
  const m = mutateBytes(archive.subarray(start), rng, archive.length - start);
  return { label: `directory: ${m.label}`, bytes: concatBytes(archive.subarray(0, start), m.bytes) };
}

/** Archives no normal writer makes: zip64 records (valid or broken), repeated or odd names. */
function oddStructure(entries: RawEntry[], rng: Rng): Mutation {
  const s = rng.uniform();
  if (s < 0.5) {
    const mark = pick(rng, ["extra", "no extra", "short extra"] as const);
    const end = pick(rng, ["none", "records", "records", "bad locator"] as const);
    const marks: Zip64Mark[] = entries.map((_, i) => (i === 0 || chance(rng, 0.5) ? mark : "none"));
    return { label: `zip64 sizes (${mark}), zip64 end: ${end}`, bytes: writeZip(entries, { zip64: marks, zip64End: end }) };
  }
  if (s < 0.75) {
    const e = pick(rng, entries);
    return { label: `entry ${e.name} twice`, bytes: writeZip([...entries, e]) };
  }
  const name = pick(rng, ["__proto__.npy", "a/b.npy", ".npy", "constructor.npy", "x.txt", "Z.NPY", "é.npy", "Z.npy\u0000"]);
  const i = rng.int(entries.length);
  const renamed = entries.map((e, j) => (j === i ? { ...e, name } : e));
  if (new Set(renamed.map((e) => e.name)).size !== renamed.length) return { label: "names unchanged", bytes: writeZip(entries) };
  return { label: `entry renamed ${JSON.stringify(name)}`, bytes: writeZip(renamed) };
}

/** Zip bombs: huge declared sizes, a size that lies, and several big entries together. */
function bomb(entries: RawEntry[], rng: Rng): Mutation {
  const e = entries[0];
  switch (rng.int(5)) {
    case 0:
      return { label: "zip bomb: declares 4 GiB", bytes: writeZip([{ ...e, method: 8, size: 0xffffffff, payload: deflateBomb(1) }, ...entries.slice(1)]) };
    case 1:
      return {
        label: "zip bomb: declares 2^40 bytes (zip64)",
        bytes: writeZip([{ ...e, method: 8, size: 2 ** 40, payload: deflateBomb(1) }, ...entries.slice(1)], { zip64: ["extra"] }),
      };
    case 2:
      return {
        label: `zip bomb: declares ${e.size} bytes, inflates to 64 MiB`,
        bytes: writeZip([{ ...e, method: 8, payload: deflateBomb(64) }, ...entries.slice(1)]),
      };
    case 3: {
      const big = (name: string): RawEntry => ({ name, method: 8, crc: 0, size: 200 * 2 ** 20, payload: deflateBomb(200) });
      return { label: "zip bomb: three entries of 200 MiB", bytes: writeZip([big("a.npy"), big("b.npy"), big("c.npy")]) };
    }
    default:
      // Not an array: loadNpz skips it without inflating, so the archive loads.
      return {
        label: "zip bomb: 1 GiB in an entry named x.bin",
        bytes: writeZip([...entries, { name: "x.bin", method: 8, crc: 0, size: 2 ** 30, payload: deflateBomb(1024) }]),
      };
  }
}

export function npzTarget(): FuzzTarget {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-fuzz-npz-"));
  // Two archives written by saveNpz itself; the other cases are built the same way in memory.
  const saved = (
    [
      { Z: Float32Array.from([1.5, -2, 0.25]), y: Int32Array.from([0, 9, -3]), dataset: "fashion" },
      { pixels: Uint8Array.from([0, 128, 255]), wide: Float64Array.from([Math.PI]), unicode: "Ankle boot ✓" },
    ] as Array<Record<string, NpzValue>>
  ).map((arrays, i) => {
    const file = path.join(dir, `base-${i}.npz`);
    saveNpz(file, arrays);
    return new Uint8Array(fs.readFileSync(file));
  });
  const file = path.join(dir, "case.npz");
  return {
    format: "NPZ",
    make(seed: number): FuzzCase {
      const rng = new Rng(seed);
      // The .npy files, and the archive: stored as saveNpz writes it, or deflated like numpy.savez_compressed.
      let plain: Record<string, Uint8Array>;
      let archive: Uint8Array;
      if (chance(rng, 0.1)) {
        archive = pick(rng, saved);
        plain = Object.fromEntries(zipLayout(archive).entries.map((e) => [e.name, e.payload]));
      } else {
        plain = randomEntries(rng);
        archive = zipSync(plain, { level: chance(rng, 0.5) ? 0 : 6 });
      }
      const entries = zipLayout(archive).entries.map(({ name, method, crc, size, payload }) => ({ name, method, crc, size, payload }));
      const s = rng.uniform();
      let m: Mutation;
      if (s < 0.3) m = mutateArchive(archive, rng);
      else if (s < 0.5) m = editField(archive, rng);
      else if (s < 0.68) {
        // A damaged .npy inside an intact archive.
        const name = pick(rng, Object.keys(plain));
        const inner = mutateNpy(plain[name], rng);
        m = { label: `${name}: ${inner.label}`, bytes: zipSync({ ...plain, [name]: inner.bytes }, { level: chance(rng, 0.5) ? 0 : 6 }) };
      } else if (s < 0.82) m = oddStructure(entries, rng);
      else if (s < 0.92) m = bomb(entries, rng);
      else m = { label: "intact", bytes: archive };
      fs.writeFileSync(file, m.bytes);
      return {
        label: m.label,
        files: [file],
        load: () => {
          const arrays = loadNpz(file);
          for (const [key, array] of Object.entries(arrays)) {
            if (typeof key !== "string") throw new InvalidObject("a key that is not a string");
            checkNpy(array);
          }
        },
      };
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
