// Fuzz cases for autoencoder checkpoints (safetensors): damaged bytes, header length and
// JSON edits (shapes, data_offsets, dtypes, metadata, the stored config), data edits with
// and without the recorded SHA-256. Each case is read by decodeSafetensors, then by
// loadAutoencoder from its file, and what loads is checked against what was decoded.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Rng } from "../../src/random";
import { Matrix } from "../../src/tensor";
import { Autoencoder } from "../../src/models/autoencoder";
import { DATA_SHA256, decodeSafetensors, SafetensorsFile } from "../../src/io/safetensors";
import { loadAutoencoder, saveAutoencoder } from "../../src/io/checkpoint";
import { chance, EDGE_U32, Mutation, mutateBytes, pick, withUint } from "./mutate";
import { FuzzCase, FuzzTarget, InvalidObject } from "./runner";

// `any`: the header is free-form JSON that each edit changes in its own way.
type Header = Record<string, any>;

function split(bytes: Uint8Array): { header: Header; data: Uint8Array } {
  const length = Number(Buffer.from(bytes).readBigUInt64LE(0));
  return { header: JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString("utf8")) as Header, data: bytes.subarray(8 + length) };
}

function join(json: string, data: Uint8Array): Uint8Array {
  const text = Buffer.from(json, "utf8");
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([prefix, text, data]);
}

/** Tensors whose entry an edit can still change (an earlier edit may have replaced it). */
const tensorNames = (h: Header): string[] =>
  Object.keys(h).filter(
    (k) => k !== "__metadata__" && typeof h[k] === "object" && h[k] !== null && Array.isArray(h[k].shape) && Array.isArray(h[k].data_offsets),
  );

/** Edits of one tensor's entry. */
const TENSOR_EDITS: Array<(h: Header, name: string, rng: Rng) => string> = [
  (h, name, rng) => {
    const shape: number[] = h[name].shape;
    const value = pick(rng, [
      [],
      [0],
      [1e9, 1e9],
      [-1, 2],
      [2.5, 2],
      ["3", 2],
      null,
      "2x3",
      [2 ** 53, 1],
      [1e13],
      [...shape].reverse(),
      [...shape, 1],
      [shape[0] + 1, shape[1]],
      [shape[0] * shape[1]],
    ]);
    h[name].shape = value;
    return `${name}.shape = ${JSON.stringify(value)}`;
  },
  (h, name, rng) => {
    const [b, e]: number[] = h[name].data_offsets;
    const value = pick(rng, [
      [b + 4, e + 4],
      [b - 4, e - 4],
      [e, b],
      [0, 0],
      [b, e + 4],
      [b, 2 ** 62],
      [-4, e],
      [b, e, 0],
      null,
      [1.5, e],
      [b, 1e300],
      ["0", e],
      [b, e - 4],
    ]);
    h[name].data_offsets = value;
    return `${name}.data_offsets = ${JSON.stringify(value)}`;
  },
  (h, name, rng) => {
    const value = pick(rng, ["F16", "F64", "I32", "BF16", "f32", null, 5, ""]);
    h[name].dtype = value;
    return `${name}.dtype = ${JSON.stringify(value)}`;
  },
  (h, name, rng) => {
    const value = pick(rng, [null, "x", 3, [], {}, true]);
    h[name] = value;
    return `${name} = ${JSON.stringify(value)}`;
  },
  (h, name) => {
    delete h[name];
    return `delete ${name}`;
  },
  (h, name, rng) => {
    const other = pick(rng, ["fc9.weight", `${name}2`, "extra", "__proto__"]);
    // defineProperty: "__proto__" must become a key of the JSON, not the object's prototype.
    Object.defineProperty(h, other, { value: { ...h[name] }, enumerable: true, writable: true, configurable: true });
    if (chance(rng, 0.5)) delete h[name];
    return `copy ${name} as ${other}`;
  },
];

/** Edits of the stored model config (a JSON string in the metadata). */
const CONFIG_EDITS: Array<[string, (c: Header) => void]> = [
  ["encDims [100000, 100000]", (c) => (c.encDims = [100000, 100000])],
  ["encDims [5e6]", (c) => (c.encDims = [5e6])],
  ["inputDim 1e9", (c) => (c.inputDim = 1e9)],
  ["inputDim 0", (c) => (c.inputDim = 0)],
  ["encDims []", (c) => (c.encDims = [])],
  ['decDims "x"', (c) => (c.decDims = "x")],
  ["useBatchNorm flipped", (c) => (c.useBatchNorm = !c.useBatchNorm)],
  ['activation "nope"', (c) => (c.activation = "nope")],
  ["seed 1.5", (c) => (c.seed = 1.5)],
  ["an unknown key", (c) => (c.extra = 1)],
  ["a wider encoder", (c) => (c.encDims = c.encDims.map((d: number) => d + 1))],
  ["dtype float64", (c) => (c.dtype = "float64")],
];

const METADATA_EDITS: Array<(m: Header, rng: Rng) => string> = [
  (m) => {
    delete m[DATA_SHA256];
    return "no checksum";
  },
  (m, rng) => {
    m[DATA_SHA256] = pick(rng, ["0".repeat(64), "", "xyz"]);
    return "wrong checksum";
  },
  (m, rng) => {
    const key = pick(rng, ["format", "version", "config"]);
    delete m[key];
    return `delete metadata ${key}`;
  },
  (m, rng) => {
    const [key, value] = pick(rng, [
      ["version", "2"],
      ["version", ""],
      ["format", "pytorch"],
      ["config", "{"],
      ["config", "null"],
      ["config", "[]"],
      ["config", "5"],
    ]);
    m[key] = value;
    return `metadata ${key} = ${JSON.stringify(value)}`;
  },
  (m, rng) => {
    const [what, edit] = pick(rng, CONFIG_EDITS);
    let config: Header;
    try {
      config = JSON.parse(m.config) as Header;
    } catch {
      return "config left as it is (an earlier edit broke it)";
    }
    if (config === null || typeof config !== "object" || !Array.isArray(config.encDims)) return "config left as it is";
    edit(config);
    m.config = JSON.stringify(config);
    return `config: ${what}`;
  },
  (m, rng) => {
    const value = pick(rng, [5, null, {}, ["a"]]);
    m[pick(rng, ["format", "extra"])] = value;
    return `a metadata value ${JSON.stringify(value)}`;
  },
];

/** Edits of the JSON header, then written with a correct length (1–3 of them). */
function editHeader(bytes: Uint8Array, rng: Rng): Mutation {
  const { header, data } = split(bytes);
  const labels: string[] = [];
  let edited: unknown = header;
  for (let round = 1 + rng.int(chance(rng, 0.2) ? 3 : 1); round > 0; round--) {
    const s = rng.uniform();
    const names = tensorNames(header);
    if (s < 0.55 && names.length > 0) {
      labels.push(pick(rng, TENSOR_EDITS)(header, pick(rng, names), rng));
    } else if (s < 0.92) {
      if (typeof header.__metadata__ !== "object" || header.__metadata__ === null) continue;
      labels.push(pick(rng, METADATA_EDITS)(header.__metadata__, rng));
    } else if (s < 0.96) {
      header.__metadata__ = pick(rng, [null, [], "x", 5]);
      labels.push(`__metadata__ = ${JSON.stringify(header.__metadata__)}`);
    } else {
      edited = pick(rng, [[], null, 5, "x"]);
      labels.push(`header = ${JSON.stringify(edited)}`);
      break;
    }
  }
  // Unpadded half the time: the format does not require the padding.
  let json = JSON.stringify(edited);
  if (chance(rng, 0.5)) json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  return { label: labels.join(", ") || "re-encoded header", bytes: join(json, data) };
}

/** An edit of the JSON text itself (kept the same length field), or of the length field. */
function editHeaderText(bytes: Uint8Array, rng: Rng): Mutation {
  const length = Number(Buffer.from(bytes).readBigUInt64LE(0));
  if (chance(rng, 0.5)) {
    const value = pick(rng, [
      0,
      1,
      7,
      8,
      length - 1,
      length + 1,
      length + 8,
      bytes.length,
      bytes.length - 8,
      2 ** 32,
      2 ** 53,
      2 ** 62,
      2 ** 64 - 1,
      ...EDGE_U32,
    ]);
    return { label: `header length ${value}`, bytes: withUint(bytes, 0, value, 8, true) };
  }
  const out = bytes.slice();
  const at = 8 + rng.int(length);
  const ch = pick(rng, [...'{}[]",:0123456789-.eE aFnt\\']);
  out[at] = ch.charCodeAt(0);
  return { label: `header byte ${at} = ${JSON.stringify(ch)}`, bytes: out };
}

/** A data edit, with the checksum kept (the data must be refused) or removed (it may load). */
function editData(bytes: Uint8Array, rng: Rng): Mutation {
  const { header, data } = split(bytes);
  const dropChecksum = chance(rng, 0.5);
  if (dropChecksum) delete header.__metadata__[DATA_SHA256];
  const out = data.slice();
  const at = rng.int(Math.max(1, out.length));
  out[at] ^= 1 << rng.int(8);
  if (chance(rng, 0.3)) new DataView(out.buffer).setFloat32(at - (at % 4), pick(rng, [NaN, Infinity, -0, 3.4e38]), true);
  return { label: `data byte ${at} changed${dropChecksum ? ", checksum removed" : ""}`, bytes: join(JSON.stringify(header), out) };
}

function checkDecoded(file: SafetensorsFile): void {
  for (const t of file.tensors.values()) {
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new InvalidObject(`tensor ${t.name} has shape [${t.shape}]`);
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) throw new InvalidObject(`tensor ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
  }
}

function checkModel(model: Autoencoder, decoded: SafetensorsFile): void {
  for (const p of [...model.params(), ...model.buffers()]) {
    const t = decoded.tensors.get(p.name);
    if (t === undefined || t.data.length !== p.value.data.length || t.data.some((v, i) => !Object.is(v, p.value.data[i]))) {
      throw new InvalidObject(`${p.name} does not hold the file's tensor`);
    }
  }
  const out = model.reconstruct(new Matrix(2, model.config.inputDim, model.config.dtype));
  if (out.rows !== 2 || out.cols !== model.config.inputDim) throw new InvalidObject(`reconstruction is ${out.rows} × ${out.cols}`);
}

export function safetensorsTarget(): FuzzTarget {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-fuzz-safetensors-"));
  // Valid checkpoints written by saveAutoencoder, with and without BatchNorm.
  const bases = [
    { inputDim: 6, encDims: [4, 2], decDims: [4], useBatchNorm: true, seed: 1 },
    { inputDim: 5, encDims: [3], decDims: [], useBatchNorm: false, seed: 2 },
    { inputDim: 8, encDims: [6, 4, 2], decDims: [3, 5], useBatchNorm: true, outputActivation: "linear" as const, seed: 3 },
  ].map((config, i) => {
    const file = path.join(dir, `base-${i}.safetensors`);
    saveAutoencoder(new Autoencoder(config), file, { note: "fuzz base" });
    return new Uint8Array(fs.readFileSync(file));
  });
  // One path for every case: loadAutoencoder notes a checkpoint without a checksum once per path.
  const file = path.join(dir, "case.safetensors");
  return {
    format: "safetensors",
    make(seed: number): FuzzCase {
      const rng = new Rng(seed);
      const base = pick(rng, bases);
      const s = rng.uniform();
      let m: Mutation;
      if (s < 0.3) m = mutateBytes(base, rng, 8 + Number(Buffer.from(base).readBigUInt64LE(0)));
      else if (s < 0.75) m = editHeader(base, rng);
      else if (s < 0.87) m = editHeaderText(base, rng);
      else if (s < 0.97) m = editData(base, rng);
      else m = { label: "intact", bytes: base };
      fs.writeFileSync(file, m.bytes);
      return {
        label: m.label,
        files: [file],
        load: () => {
          const decoded = decodeSafetensors(m.bytes, file);
          checkDecoded(decoded);
          checkModel(loadAutoencoder(file), decoded);
        },
      };
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
