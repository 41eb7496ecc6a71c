// Fuzz cases for the .npy reader: valid arrays of every supported dtype made by encodeNpy,
// then damaged bytes, header dict edits (shape, descr, fortran_order), version and header
// length edits, data of the wrong length and strings holding non-characters.
import { Rng } from "../../src/random";
import { decodeNpy, encodeNpy, NpyArray } from "../../src/io/npy";
import { concatBytes } from "../../src/bytes";
import { chance, EDGE_U32, Mutation, mutateBytes, pick, randomBytes, withUint } from "./mutate";
import { FuzzCase, FuzzTarget, InvalidObject } from "./runner";

const CHARS = [..."abc xyz09_é✓😀"];

/** A valid .npy file of a random supported dtype and a small shape (scalar, empty, 1-D to 3-D). */
export function randomNpy(rng: Rng): Uint8Array {
  const shape = pick(rng, [[], [0], [1 + rng.int(6)], [1 + rng.int(4), 1 + rng.int(4)], [2, 1 + rng.int(3), 2]]);
  const count = shape.reduce((a, b) => a * b, 1);
  const dtype = rng.int(5);
  if (dtype === 4) {
    const strings = Array.from({ length: count }, () => Array.from({ length: rng.int(6) }, () => pick(rng, CHARS)).join(""));
    return encodeNpy(strings, shape);
  }
  const values = Array.from({ length: count }, () => rng.normal() * 100);
  const data = [Float32Array.from(values), Float64Array.from(values), Int32Array.from(values), Uint8Array.from(values, (v) => Math.abs(v) % 256)][dtype];
  return encodeNpy(data, shape);
}

interface NpyParts {
  descr: string;
  fortran: string;
  shape: string;
  data: Uint8Array;
}

/** The header fields and data of a valid version 1.0 file (as encodeNpy writes it). */
function parts(bytes: Uint8Array): NpyParts {
  const length = bytes[8] | (bytes[9] << 8);
  const header = Buffer.from(bytes.subarray(10, 10 + length)).toString("latin1");
  return {
    descr: /'descr': '([^']*)'/.exec(header)![1],
    fortran: /'fortran_order': (\w+)/.exec(header)![1],
    shape: /'shape': \(([^)]*)\)/.exec(header)![1],
    data: bytes.subarray(10 + length),
  };
}

interface Layout {
  major: number;
  /** Pad the header so the data starts at a multiple of 64, as numpy does. */
  pad: boolean;
  omit?: "descr" | "fortran_order" | "shape";
}

/** A .npy file from header fields, in the version layout given (1: uint16 length, else uint32). */
function build(p: NpyParts, layout: Layout): Uint8Array {
  const fields = [
    ["descr", `'${p.descr}'`],
    ["fortran_order", p.fortran],
    ["shape", `(${p.shape})`],
  ].filter(([k]) => k !== layout.omit);
  let header = `{${fields.map(([k, v]) => `'${k}': ${v}`).join(", ")}, }`;
  const prefix = layout.major === 1 ? 10 : 12;
  if (layout.pad) header = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, " ");
  header += "\n";
  const text = Buffer.from(header, layout.major === 3 ? "utf8" : "latin1");
  const out = new Uint8Array(prefix + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, layout.major, 0]);
  const view = new DataView(out.buffer);
  if (layout.major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, prefix);
  return concatBytes(out, p.data);
}

const SHAPES = [
  "10000000000000,",
  "-2, -3",
  "1.5, 4",
  "0x10,",
  "3,,4",
  "",
  "2, 3, 0",
  "4294967296, 4294967296",
  "99999999999999999999,",
  "3",
  "n,",
  " 1 , 2 ",
  ",",
  "1e3,",
];
const DESCRS = ["<f4", "<f8", "<i4", "|u1", ">f4", "<U0", "<U1", "<U99999999", "|b1", "O", "<i8", "<f2", "<U-1", "<u4", "<U4294967296", "<U"];

/** An edit of the header dict, the version or the layout; the data kept. */
function editHeader(bytes: Uint8Array, rng: Rng): Mutation {
  const p = parts(bytes);
  const layout: Layout = { major: 1, pad: chance(rng, 0.7) };
  const labels: string[] = [];
  for (let round = 1 + (chance(rng, 0.25) ? 1 : 0); round > 0; round--) {
    const s = rng.uniform();
    if (s < 0.3) {
      const [r, ...rest] = p.shape
        .split(",")
        .map((d) => d.trim())
        .filter((d) => d !== "");
      p.shape = pick(rng, [...SHAPES, [...rest, r].join(", "), r === undefined ? "1," : `${Number(r) * 2}, ${rest.join(", ")}`]);
      labels.push(`shape (${p.shape})`);
    } else if (s < 0.55) {
      p.descr = pick(rng, DESCRS);
      labels.push(`descr ${p.descr}`);
    } else if (s < 0.65) {
      p.fortran = pick(rng, ["True", "1", "false", "None"]);
      labels.push(`fortran_order ${p.fortran}`);
    } else if (s < 0.75) {
      layout.omit = pick(rng, ["descr", "fortran_order", "shape"] as const);
      labels.push(`no ${layout.omit}`);
    } else {
      // Versions 2.0 and 3.0 are valid layouts; the others are not.
      layout.major = pick(rng, [0, 2, 3, 2, 3, 4, 255]);
      labels.push(`version ${layout.major}.0`);
    }
  }
  return { label: labels.join(", "), bytes: build(p, layout) };
}

/** An edit of the header length field, the data length, or of the strings' code points. */
function editLengths(bytes: Uint8Array, rng: Rng): Mutation {
  const p = parts(bytes);
  const length = bytes[8] | (bytes[9] << 8);
  const s = rng.uniform();
  if (s < 0.4) {
    const value = pick(rng, [0, 1, length - 1, length + 1, length + 64, 0xffff, ...EDGE_U32]);
    return { label: `header length ${value & 0xffff}`, bytes: withUint(bytes, 8, value, 2, true) };
  }
  if (s < 0.7) {
    const cut = 1 + rng.int(8);
    return chance(rng, 0.5) && p.data.length > 0
      ? { label: `data ${cut} bytes short`, bytes: bytes.subarray(0, Math.max(bytes.length - p.data.length, bytes.length - cut)) }
      : { label: `data ${cut} bytes long`, bytes: concatBytes(bytes, randomBytes(rng, cut)) };
  }
  if (p.descr.startsWith("<U") && p.data.length >= 4) {
    const out = bytes.slice();
    const at = bytes.length - p.data.length + 4 * rng.int(p.data.length / 4);
    const code = pick(rng, [0x110000, 0xffffffff, 0xd800, 0x7fffffff]);
    new DataView(out.buffer).setUint32(at, code, true);
    return { label: `code point ${code} at byte ${at}`, bytes: out };
  }
  return { label: "header length, unchanged", bytes };
}

/** One mutation of a valid .npy file: bytes, header fields or lengths (also used inside .npz archives). */
export function mutateNpy(bytes: Uint8Array, rng: Rng): Mutation {
  const s = rng.uniform();
  if (s < 0.35) return mutateBytes(bytes, rng, 10 + (bytes[8] | (bytes[9] << 8)));
  if (s < 0.75) return editHeader(bytes, rng);
  if (s < 0.97) return editLengths(bytes, rng);
  return { label: "intact", bytes };
}

/** Throws InvalidObject unless the array's shape, dtype and data agree. */
export function checkNpy(a: NpyArray): void {
  if (!a.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new InvalidObject(`shape (${a.shape})`);
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length !== count) throw new InvalidObject(`${a.data.length} values for shape (${a.shape})`);
  const types: Record<string, unknown> = { "<f4": Float32Array, "<f8": Float64Array, "<i4": Int32Array, "|u1": Uint8Array };
  const unicode = /^<U(\d+)$/.exec(a.dtype);
  if (unicode) {
    const width = Number(unicode[1]);
    if (!Array.isArray(a.data) || width < 1 || !a.data.every((s) => typeof s === "string" && [...s].length <= width))
      throw new InvalidObject(`strings that do not fit ${a.dtype}`);
  } else if (types[a.dtype] === undefined || a.data.constructor !== types[a.dtype]) {
    throw new InvalidObject(`dtype ${a.dtype} with a ${a.data.constructor.name}`);
  }
}

export function npyTarget(): FuzzTarget {
  return {
    format: "NPY",
    make(seed: number): FuzzCase {
      const rng = new Rng(seed);
      const m = mutateNpy(randomNpy(rng), rng);
      // decodeNpy reads bytes: the name is what a refusal must quote.
      const name = `fuzz-${seed}.npy`;
      return { label: m.label, files: [name], load: () => checkNpy(decodeNpy(m.bytes, name)) };
    },
    close: () => undefined,
  };
}
