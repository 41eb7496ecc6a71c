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
  Z: Matrix.fromRows([[1.5, -2], [0.25, 1e-8], [3, 4]]),
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
  assert.throws(() => io.loadNpz("/nonexistent/x.npz", "03-ae-process-test.ipynb"), (e: unknown) => e instanceof DataError && /no such file; run 03-ae-process-test\.ipynb first/.test(e.message));
  const file = tempFile("bad.npz");
  fs.writeFileSync(file, "not a zip");
  assert.throws(() => io.loadNpz(file), /not a valid \.npz \(zip\) file/);
  const written = tempFile("ok.npz");
  io.saveNpz(written, { a: Float32Array.from([1]) });
  assert.deepEqual(fs.readdirSync(path.dirname(written)), ["ok.npz"], "no temporary file left");
  assert.throws(() => io.saveNpz(written, { "bad name": Float32Array.from([1]) }), /must be letters, digits and _/);
});
