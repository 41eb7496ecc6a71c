// NPZ files: what we write, NumPy reads with the same dtypes and values; what NumPy
// writes (compressed too), we read.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DataError, Matrix, io } from "../src";
import { tempDir } from "./support/temp";
import { PYTHON, requirePython } from "./support/requirements";

const CHECK = path.resolve(__dirname, "..", "..", "..", "scripts", "test", "check_npz.py");
const tempFile = (name: string): string => path.join(tempDir("nnfs-npz-"), name);

const arrays = {
  Z: Matrix.fromRows([
    [1.5, -2],
    [0.25, 1e-8],
    [3, 4],
  ]),
  mse: Float32Array.from([0.5, 0.125, 2]),
  y: Int32Array.from([0, 9, -3]),
  pixels: Uint8Array.from([0, 128, 255]),
  wide: Float64Array.from([Math.PI]),
  dataset: "fashion",
  unicode: "Ankle boot ✓",
};

test("NumPy loads what saveNpz writes, with the right dtypes, shapes and values", (t) => {
  if (!requirePython(t, "numpy")) return;
  const file = tempFile("out.npz");
  io.saveNpz(file, arrays);
  const run = spawnSync(PYTHON, [CHECK, file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const seen = JSON.parse(run.stdout);
  assert.deepEqual(seen.Z, { dtype: "<f4", shape: [3, 2], values: Array.from(arrays.Z.data) });
  assert.deepEqual(seen.mse, { dtype: "<f4", shape: [3], values: [0.5, 0.125, 2] });
  assert.deepEqual(seen.y, { dtype: "<i4", shape: [3], values: [0, 9, -3] });
  assert.deepEqual(seen.pixels, { dtype: "|u1", shape: [3], values: [0, 128, 255] });
  assert.deepEqual(seen.wide, { dtype: "<f8", shape: [1], values: [Math.PI] });
  assert.deepEqual(seen.dataset, { dtype: "<U7", shape: [], values: ["fashion"] });
  assert.deepEqual(seen.unicode, { dtype: "<U12", shape: [], values: ["Ankle boot ✓"] });
});

test("saveNpz → loadNpz round trip in TypeScript", () => {
  const file = tempFile("round.npz");
  io.saveNpz(file, arrays);
  const back = io.loadNpz(file);
  assert.deepEqual(Object.keys(back).sort(), Object.keys(arrays).sort());
  assert.deepEqual(io.npzMatrix(back, "Z", file), arrays.Z);
  assert.deepEqual(back.y.data, arrays.y);
  assert.deepEqual(back.dataset, { dtype: "<U7", shape: [], data: ["fashion"] });
  assert.throws(() => io.npzMatrix(back, "mse", file), /mse is <f4 of shape \(3\), expected a 2-D float32 array/);
  assert.throws(() => io.npzMatrix(back, "nope", file), /has no array "nope"/);
});

test("loadNpz reads numpy's compressed archives", (t) => {
  if (!requirePython(t, "numpy")) return;
  const file = tempFile("from-numpy.npz");
  const run = spawnSync(PYTHON, [CHECK, "--write", file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const back = io.loadNpz(file);
  assert.deepEqual(back.f, { dtype: "<f4", shape: [2, 3], data: Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]) });
  assert.deepEqual(back.i.data, Int32Array.from([-1, 7]));
  assert.deepEqual(back.d.data, Float64Array.from([0.1, 2.5]));
  assert.deepEqual(back.s.data, ["héllo"]);
  assert.deepEqual(back.u.data, Uint8Array.from([0, 255]));
});

test("missing or damaged archives say what is wrong and who writes them", () => {
  assert.throws(
    () => io.loadNpz("/nonexistent/x.npz", "03-ae-process-test.ipynb"),
    (e: unknown) => e instanceof DataError && /no such file; run 03-ae-process-test\.ipynb first/.test(e.message),
  );
  const file = tempFile("bad.npz");
  fs.writeFileSync(file, "not a zip");
  assert.throws(() => io.loadNpz(file), /not a valid \.npz \(zip\) file/);
  const written = tempFile("ok.npz");
  io.saveNpz(written, { a: Float32Array.from([1]) });
  assert.deepEqual(fs.readdirSync(path.dirname(written)), ["ok.npz"], "no temporary file left");
  assert.throws(() => io.saveNpz(written, { "bad name": Float32Array.from([1]) }), /must be letters, digits and _/);
});

/** An archive saveNpz wrote, and where the name "dataset.npy" stands in its local header and in its central directory. */
function archiveWithDataset(): { file: string; bytes: Buffer; localName: number; centralName: number } {
  const file = tempFile("edit.npz");
  io.saveNpz(file, { Z: arrays.Z, dataset: "fashion" });
  const bytes = fs.readFileSync(file);
  const localName = bytes.indexOf("dataset.npy");
  const centralName = bytes.indexOf("dataset.npy", localName + 1);
  assert.ok(
    localName > 0 && centralName > localName && bytes.readUInt32LE(localName - 30) === 0x04034b50 && bytes.readUInt32LE(centralName - 46) === 0x02014b50,
  );
  return { file, bytes, localName, centralName };
}

const refusedNaming = (file: string, what: RegExp) => (e: unknown) =>
  e instanceof DataError && e.message.startsWith(`${file}: not a valid .npz (zip) file`) && what.test(e.message);

test("a name the local header and the central directory disagree on is refused, naming the file and the entry", () => {
  for (const where of ["central", "local"] as const) {
    const { file, bytes, localName, centralName } = archiveWithDataset();
    bytes[(where === "local" ? localName : centralName) + 3] ^= 0x40; // dataset.npy -> dat!set.npy
    fs.writeFileSync(file, bytes);
    const entry =
      where === "local" ? /entry dataset\.npy: its local header names it dat!set\.npy/ : /entry dat!set\.npy: its local header names it dataset\.npy/;
    assert.throws(() => io.loadNpz(file), refusedNaming(file, entry), where);
  }
});

test("sizes the local header and the central directory disagree on are refused", () => {
  // dataset.npy is stored: 156 bytes, both sizes, in both headers. One field made 155:
  const cases = [
    ["local", 18, "156 bytes stored and 156 inflated, its local header 155 and 156"],
    ["local", 22, "156 bytes stored and 156 inflated, its local header 156 and 155"],
    ["central", 20, "155 bytes stored and 156 inflated, its local header 156 and 156"],
    ["central", 24, "156 bytes stored and 155 inflated, its local header 156 and 156"],
  ] as const;
  for (const [where, offset, sizes] of cases) {
    const { file, bytes, localName, centralName } = archiveWithDataset();
    const field = (where === "local" ? localName - 30 : centralName - 46) + offset;
    assert.equal(bytes.readUInt32LE(field), 156);
    bytes.writeUInt32LE(155, field);
    fs.writeFileSync(file, bytes);
    const message = `entry dataset.npy: the central directory gives ${sizes} (damaged)`;
    assert.throws(
      () => io.loadNpz(file),
      (e: unknown) => e instanceof DataError && e.message.includes(message) && e.message.startsWith(`${file}: `),
      `${where} +${offset}`,
    );
  }
  // And the compression method: deflated in the local header, stored in the central directory.
  const { file, bytes, localName } = archiveWithDataset();
  bytes.writeUInt16LE(8, localName - 30 + 8);
  fs.writeFileSync(file, bytes);
  assert.throws(() => io.loadNpz(file), /entry dataset\.npy: compression method 0 in the central directory, 8 in its local header \(damaged\)/);
});

test("a local header whose sizes follow the data (bit 3, a streaming writer's) is read by the central directory", (t) => {
  const { file, bytes, localName } = archiveWithDataset();
  const local = localName - 30;
  bytes.writeUInt32LE(0, local + 18);
  bytes.writeUInt32LE(0, local + 22);
  fs.writeFileSync(file, bytes);
  assert.throws(() => io.loadNpz(file), refusedNaming(file, /its local header 0 and 0 \(damaged\)/), "zero sizes without bit 3");
  bytes.writeUInt16LE(bytes.readUInt16LE(local + 6) | 0x8, local + 6);
  fs.writeFileSync(file, bytes);
  assert.deepEqual(io.loadNpz(file).dataset.data, ["fashion"]);
  // And an archive Python's zipfile streamed that way (to a pipe: it cannot seek back), with numpy arrays.
  if (!requirePython(t, "numpy")) return;
  const script =
    "import io, sys, zipfile, numpy as np\nwith zipfile.ZipFile(sys.stdout.buffer, 'w', zipfile.ZIP_DEFLATED) as z:\n  for k, v in {'a': np.arange(5, dtype='<f4'), 'b': np.array([3, -1], '<i4')}.items():\n    with z.open(k + '.npy', 'w') as f: np.save(f, v)\n";
  const run = spawnSync(PYTHON, ["-c", script], { maxBuffer: 1 << 20 });
  assert.equal(run.status, 0, String(run.stderr));
  const streamed = tempFile("streamed.npz");
  fs.writeFileSync(streamed, run.stdout);
  assert.ok(run.stdout.readUInt16LE(6) & 0x8, "Python wrote no data descriptor: the case tests nothing");
  const back = io.loadNpz(streamed);
  assert.deepEqual(back.a.data, Float32Array.from([0, 1, 2, 3, 4]));
  assert.deepEqual(back.b.data, Int32Array.from([3, -1]));
});
