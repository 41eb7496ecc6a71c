// Fuzz cases for the IDX reader (the MNIST format), raw and gzipped, read the way the labs
// read them: loadImageDataset over a folder that holds one split's images and labels.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { Rng } from "../../src/random";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from "../../src/data/idx";
import { DATASETS, ImageDataset, loadImageDataset } from "../../src/data/image_datasets";
import { chance, EDGE_U32, Mutation, mutateBytes, pick, withUint } from "./mutate";
import { FuzzCase, FuzzTarget, InvalidObject } from "./runner";

type Part = "images" | "labels";
type Pair = Record<Part, Uint8Array>;

const SPLIT = DATASETS.fashion.files.test;
const HEADER_BYTES: Record<Part, number> = { images: 16, labels: 8 };

function idxFile(magic: number, dims: number[], values: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

/** A small valid split: 0–5 images of 1–4 × 1–4 pixels and their labels 0..9. */
function validPair(rng: Rng): Pair {
  const count = chance(rng, 0.05) ? 0 : 1 + rng.int(5);
  const height = 1 + rng.int(4);
  const width = 1 + rng.int(4);
  const pixels = Uint8Array.from({ length: count * height * width }, () => rng.int(256));
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { images: idxFile(IDX_IMAGES_MAGIC, [count, height, width], pixels), labels: idxFile(IDX_LABELS_MAGIC, [count], labels) };
}

/** An edit of one header field: the type or dimension-count byte of the magic, the magic, or a dimension. */
function editHeader(bytes: Uint8Array, rng: Rng): Mutation {
  const ndim = bytes[3];
  const choice = rng.int(4);
  if (choice === 0) {
    const type = pick(rng, [0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff]);
    const out = bytes.slice();
    out[2] = type;
    return { label: `IDX type byte 0x${type.toString(16)}`, bytes: out };
  }
  if (choice === 1) {
    const n = pick(rng, [0, 1, 2, 3, 4, 255]);
    const out = bytes.slice();
    out[3] = n;
    return { label: `IDX dimension count ${n}`, bytes: out };
  }
  if (choice === 2) {
    const magic = pick(rng, [IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, 0x0802, 0x0804, ...EDGE_U32]);
    return { label: `magic ${magic}`, bytes: withUint(bytes, 0, magic, 4, false) };
  }
  const i = rng.int(Math.max(1, ndim));
  const old = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4 + 4 * i, false);
  const value = pick(rng, [...EDGE_U32, old + 1, Math.max(0, old - 1), old * 2, 1e9]);
  return { label: `dimension ${i} = ${value}`, bytes: withUint(bytes, 4 + 4 * i, value, 4, false) };
}

/** Damages the uncompressed split; returns the parts it changed. */
function damageSplit(pair: Pair, rng: Rng): { label: string; damaged: Part[] } {
  const part: Part = chance(rng, 0.6) ? "images" : "labels";
  const s = rng.uniform();
  let m: Mutation;
  if (s < 0.45) {
    m = mutateBytes(pair[part], rng, HEADER_BYTES[part]);
  } else if (s < 0.75) {
    m = editHeader(pair[part], rng);
  } else if (s < 0.82) {
    // Both files claim a huge count, so only the byte count can refuse them.
    const count = pick(rng, [1e9, 0x7fffffff, 0xffffffff]);
    pair.images = withUint(pair.images, 4, count, 4, false);
    pair.labels = withUint(pair.labels, 4, count, 4, false);
    return { label: `both files claim ${count} items`, damaged: ["images", "labels"] };
  } else if (s < 0.9 && pair.labels.length > 8) {
    const out = pair.labels.slice();
    const i = 8 + rng.int(out.length - 8);
    out[i] = 10 + rng.int(246);
    pair.labels = out;
    return { label: `label ${out[i]} at byte ${i}`, damaged: ["labels"] };
  } else if (s < 0.95) {
    const first = editHeader(pair[part], rng);
    const second = mutateBytes(first.bytes, rng, HEADER_BYTES[part]);
    m = { label: `${first.label}, ${second.label}`, bytes: second.bytes };
  } else {
    return { label: "intact", damaged: [] };
  }
  pair[part] = m.bytes;
  return { label: `${part}: ${m.label}`, damaged: [part] };
}

let zeroMember: Uint8Array | null = null;
/** A gzip member of 1 MiB of zeros (about 1 KB): members concatenate, so N of them inflate to N MiB. */
function mibOfZeros(): Uint8Array {
  zeroMember ??= zlib.gzipSync(Buffer.alloc(1 << 20), { level: 9 });
  return zeroMember;
}

/** Damages the gzipped split: the compressed bytes, the gzip header or trailer, or a bomb. */
function damageGzipped(pair: Pair, rng: Rng): { label: string; damaged: Part[] } {
  const part: Part = chance(rng, 0.6) ? "images" : "labels";
  const gz = zlib.gzipSync(pair[part]);
  const s = rng.uniform();
  let label: string;
  if (s < 0.6) {
    const m = mutateBytes(gz, rng, 10);
    pair[part] = m.bytes;
    label = `compressed ${m.label}`;
  } else if (s < 0.75) {
    // Method, flags, trailer CRC-32 or length.
    const field = pick(rng, [
      ["method", 2, 1],
      ["flags", 3, 1],
      ["crc32", gz.length - 8, 4],
      ["isize", gz.length - 4, 4],
    ] as const);
    const value = field[2] === 1 ? rng.int(256) : pick(rng, EDGE_U32);
    pair[part] = field[2] === 1 ? Uint8Array.from(gz, (b, i) => (i === field[1] ? value : b)) : withUint(gz, field[1], value, 4, true);
    label = `gzip ${field[0]} = ${value}`;
  } else if (s < 0.85) {
    // Two members: valid gzip that must still load.
    const cut = rng.int(pair[part].length + 1);
    pair[part] = Buffer.concat([zlib.gzipSync(pair[part].subarray(0, cut)), zlib.gzipSync(pair[part].subarray(cut))]);
    label = `two gzip members split at ${cut}`;
  } else {
    // A gzip bomb: the file, then members of zeros far past any real dataset (1 GiB from a
    // 1 MB file); its header intact (the bomb is the excess) or claiming 10^9 items.
    const huge = chance(rng, 0.5);
    const head = huge ? zlib.gzipSync(withUint(pair[part], 4, 1e9, 4, false)) : gz;
    pair[part] = Buffer.concat([head, ...Array.from({ length: 1024 }, () => mibOfZeros())]);
    label = `gzip bomb of 1 GiB${huge ? ", header claims 10^9 items" : ""}`;
  }
  return { label: `${part}: ${label}`, damaged: [part] };
}

function checkDataset(data: ImageDataset): void {
  const { x, y, height, width } = data;
  if (x.rows !== y.length || x.cols !== height * width)
    throw new InvalidObject(`x is ${x.rows} × ${x.cols} for ${y.length} labels of ${height} × ${width} images`);
  if (!x.data.every((v) => v >= 0 && v <= 1)) throw new InvalidObject("a pixel outside [0, 1]");
  if (!y.every((label) => label >= 0 && label < data.classNames.length)) throw new InvalidObject("a label outside the classes");
}

/** The IDX target: `gzip` writes the files as .gz. */
export function idxTarget(gzip: boolean): FuzzTarget {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nnfs-fuzz-idx${gzip ? "gz" : ""}-`));
  const fileOf = (part: Part): string => path.join(dir, SPLIT[part].name + (gzip ? ".gz" : ""));
  return {
    format: gzip ? "IDX gzip" : "IDX raw",
    make(seed: number): FuzzCase {
      const rng = new Rng(seed);
      const pair = validPair(rng);
      // Mostly your-own-data mode (no checksum), so the parser is reached; else the cap is the known size.
      const allowChecksumMismatch = chance(rng, 0.9);
      let damage: { label: string; damaged: Part[] };
      if (!gzip) {
        damage = damageSplit(pair, rng);
      } else if (chance(rng, 0.5)) {
        damage = damageSplit(pair, rng);
        pair.images = zlib.gzipSync(pair.images);
        pair.labels = zlib.gzipSync(pair.labels);
      } else {
        damage = damageGzipped(pair, rng);
        for (const part of ["images", "labels"] as const) {
          if (!damage.damaged.includes(part)) pair[part] = zlib.gzipSync(pair[part]);
        }
      }
      for (const part of ["images", "labels"] as const) fs.writeFileSync(fileOf(part), pair[part]);
      // A checksum refusal names the images file first, whichever part is damaged.
      const named: Part[] = damage.damaged.length === 0 || !allowChecksumMismatch ? ["images", "labels"] : damage.damaged;
      return {
        label: `${damage.label}${allowChecksumMismatch ? "" : " (checksum required)"}`,
        files: named.map(fileOf),
        load: () => checkDataset(loadImageDataset("fashion", "test", { dataDir: dir, installedDirs: [], allowChecksumMismatch })),
      };
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
