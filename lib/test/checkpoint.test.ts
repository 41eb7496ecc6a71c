// Autoencoder checkpoints: save → load gives the same outputs, every kind of damage is
// refused with the file and the problem, and Python + NumPy read the same tensors.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Autoencoder, DataError, Matrix, Rng, fit, io } from "../src";
import { tempDir } from "./support/temp";
import { PYTHON, requirePython } from "./support/requirements";

function trainedModel(): { model: Autoencoder; x: Matrix } {
  const rng = new Rng(3);
  const x = new Matrix(64, 12);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
  const model = new Autoencoder({ inputDim: 12, encDims: [8, 3], decDims: [8], useBatchNorm: true, seed: 4 });
  fit(model, { x, y: x }, { epochs: 3, batchSize: 16, lr: 0.5, seed: 5 });
  return { model, x };
}

const tempFile = (name: string): string => path.join(tempDir("nnfs-ckpt-"), name);

test("save → load gives identical reconstructions, codes and metadata", () => {
  const { model, x } = trainedModel();
  const file = tempFile("ae.safetensors");
  io.saveAutoencoder(model, file, { val_recon: "0.0123" });
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["ae.safetensors"], "no temporary file left");
  const loaded = io.loadAutoencoder(file);
  assert.deepEqual(loaded.config, model.config);
  assert.deepEqual(loaded.reconstruct(x).data, model.reconstruct(x).data);
  assert.deepEqual(loaded.encode(x).data, model.encode(x).data);
  const meta = io.readCheckpointMetadata(file);
  assert.equal(meta.format, "nnfs-autoencoder");
  assert.equal(meta.version, "1");
  assert.equal(meta.val_recon, "0.0123");
  assert.deepEqual(JSON.parse(meta.config).encDims, [8, 3]);
});

/** Saves a good checkpoint, lets `spoil` edit its bytes, and expects `message` on load. */
function refuses(spoil: (bytes: Buffer) => Buffer, message: RegExp, what: string): void {
  const { model } = trainedModel();
  const file = tempFile("bad.safetensors");
  io.saveAutoencoder(model, file);
  fs.writeFileSync(file, spoil(fs.readFileSync(file)));
  assert.throws(
    () => io.loadAutoencoder(file),
    (e: unknown) => e instanceof DataError && e.message.startsWith(`${file}: `) && message.test(e.message),
    what,
  );
}

/** Rewrites the JSON header of a safetensors file (keeping the data bytes). */
function editHeader(bytes: Buffer, edit: (header: Record<string, any>) => void): Buffer {
  // `any`: the header is free-form JSON that each case edits differently.
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString());
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, bytes.subarray(8 + length)]);
}

test("damaged or foreign checkpoints are refused, naming the file and the problem", () => {
  refuses((b) => b.subarray(0, b.length - 10), /truncated|bytes after the last tensor|ends at byte/, "truncated data");
  refuses((b) => b.subarray(0, 5), /too short for a safetensors file/, "truncated header length");
  refuses((b) => Buffer.concat([b.subarray(0, 8), Buffer.from("{not json"), b.subarray(17)]), /header is not valid JSON/, "bad header");
  refuses(
    (b) => editHeader(b, (h) => delete h["fc1.weight"]),
    /tensor fc1\.weight is missing|bytes after the last tensor|expected \d+ \(overlapping/,
    "missing tensor",
  );
  refuses((b) => editHeader(b, (h) => (h["fc0.weight"].shape = [3, 32])), /tensor fc0\.weight has shape \[3,32\], the config needs \[12, 8\]/, "wrong shape");
  refuses((b) => editHeader(b, (h) => (h.__metadata__.version = "99")), /checkpoint version "99" is not supported/, "unknown version");
  refuses((b) => editHeader(b, (h) => (h.__metadata__.format = "pytorch")), /format "pytorch", expected "nnfs-autoencoder"/, "wrong format");
  refuses(
    (b) => editHeader(b, (h) => (h.__metadata__.config = JSON.stringify({ encDims: [] }))),
    /stored model config is invalid \(encDims must be/,
    "bad config",
  );
  refuses((b) => editHeader(b, (h) => (h["fc0.weight"].dtype = "F16")), /dtype "F16"; only F32 is supported/, "dtype");
  assert.throws(() => io.loadAutoencoder("/nonexistent/ae.safetensors"), /no such checkpoint; run the notebook that trains it first/);
});

test("a flipped bit in the tensor data is refused: the file records the data's SHA-256", () => {
  const { model } = trainedModel();
  const file = tempFile("ae.safetensors");
  io.saveAutoencoder(model, file);
  const bytes = fs.readFileSync(file);
  const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
  assert.match(io.readCheckpointMetadata(file).data_sha256, /^[0-9a-f]{64}$/);
  // One bit of every tensor region, so no tensor is left unguarded.
  for (const at of [dataStart, dataStart + Math.floor((bytes.length - dataStart) / 2), bytes.length - 1]) {
    const spoilt = Buffer.from(bytes);
    spoilt[at] ^= 0x10;
    fs.writeFileSync(file, spoilt);
    assert.throws(
      () => io.loadAutoencoder(file),
      (e: unknown) => e instanceof DataError && e.message.startsWith(`${file}: `) && /does not match the SHA-256 recorded in the file/.test(e.message),
      `bit flipped at byte ${at}`,
    );
  }
});

test("a checkpoint written before checksums loads, with a note that it has none", (t) => {
  const { model, x } = trainedModel();
  const file = tempFile("old.safetensors");
  io.saveAutoencoder(model, file);
  fs.writeFileSync(
    file,
    editHeader(fs.readFileSync(file), (h) => delete h.__metadata__.data_sha256),
  );
  const warn = t.mock.method(console, "warn", () => undefined);
  const loaded = io.loadAutoencoder(file);
  io.loadAutoencoder(file);
  assert.deepEqual(loaded.reconstruct(x).data, model.reconstruct(x).data);
  assert.equal(warn.mock.callCount(), 1, "the note is given once per file");
  assert.match(String(warn.mock.calls[0].arguments[0]), /old\.safetensors carries no checksum .* Save it again to add one/);
});

test("a model with dropout saves its rate: it loads with the same layers, codes and reconstructions", () => {
  const rng = new Rng(6);
  const x = new Matrix(64, 12);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
  const model = new Autoencoder({ inputDim: 12, encDims: [8, 3], decDims: [8], useBatchNorm: true, dropout: 0.2, seed: 4 });
  fit(model, { x, y: x }, { epochs: 2, batchSize: 16, lr: 0.5, seed: 5 });
  const file = tempFile("dropout.safetensors");
  io.saveAutoencoder(model, file);
  assert.equal(JSON.parse(io.readCheckpointMetadata(file).config).dropout, 0.2);
  const loaded = io.loadAutoencoder(file);
  assert.equal(loaded.config.dropout, 0.2);
  const labels = (m: Autoencoder) => [...m.encoder.layers, ...m.decoder.layers].map((l) => l.label);
  assert.deepEqual(labels(loaded), labels(model));
  assert.equal(labels(loaded).filter((l) => l === "Dropout(p=0.2)").length, 3);
  assert.deepEqual(loaded.reconstruct(x).data, model.reconstruct(x).data);
  assert.deepEqual(loaded.encode(x).data, model.encode(x).data);
});

test("a checkpoint written before the dropout option loads as dropout 0", () => {
  const { model, x } = trainedModel();
  const file = tempFile("before-dropout.safetensors");
  io.saveAutoencoder(model, file);
  fs.writeFileSync(
    file,
    editHeader(fs.readFileSync(file), (h) => {
      const config = JSON.parse(h.__metadata__.config);
      delete config.dropout;
      h.__metadata__.config = JSON.stringify(config);
    }),
  );
  assert.equal(JSON.parse(io.readCheckpointMetadata(file).config).dropout, undefined);
  const loaded = io.loadAutoencoder(file);
  assert.equal(loaded.config.dropout, 0);
  assert.deepEqual(loaded.reconstruct(x).data, model.reconstruct(x).data);
});

test("Python with NumPy reads the same tensors and metadata", (t) => {
  if (!requirePython(t, "numpy")) return;
  const { model } = trainedModel();
  const file = tempFile("ae.safetensors");
  io.saveAutoencoder(model, file);
  const reader = path.resolve(__dirname, "..", "..", "..", "scripts", "test", "read_safetensors.py");
  const run = spawnSync(PYTHON, [reader, file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout) as { metadata: Record<string, string>; tensors: Record<string, { shape: number[]; sum: number; first: number[] }> };
  assert.equal(seen.metadata.format, "nnfs-autoencoder");
  const state = [...model.params(), ...model.buffers()];
  assert.deepEqual(Object.keys(seen.tensors).sort(), state.map((p) => p.name).sort());
  for (const p of state) {
    const tensor = seen.tensors[p.name];
    assert.deepEqual(tensor.shape, [p.value.rows, p.value.cols], p.name);
    assert.deepEqual(tensor.first, Array.from(p.value.data.subarray(0, 5)), p.name);
    const sum = Array.from(p.value.data).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(tensor.sum - sum) < 1e-4 * Math.max(1, Math.abs(sum)), `${p.name}: ${tensor.sum} vs ${sum}`);
  }
});
