// The crash test's child: Lab 2A's grid in the quick profile (the notebook's steps, without
// the charts): resumable grid with its cache, the four checkpoints and the results CSV,
// all under OUT. The parent kills it with SIGKILL at random moments.
// Usage: node scripts/crash/lab2a_grid.mjs OUT [--runs N] [--epochs E]
// CRASH_PAUSE_AT=k stops at the k-th step of a file write (half of the bytes written, before
// the file's fsync, before the rename, before the folder's fsync), says so on stdout and waits
// to be killed.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const fs = require("fs"); // the module object itself, whose functions the engine calls
const nn = require("nnfs");

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string" }, epochs: { type: "string" } } });
const out = positionals[0];
if (!out) throw new Error("usage: node scripts/crash/lab2a_grid.mjs OUT [--runs N] [--epochs E]");

// Count (and optionally stop at) every step of a durable write.
const pauseAt = Number(process.env.CRASH_PAUSE_AT ?? 0);
let steps = 0;
function step(what) {
  steps++;
  if (steps !== pauseAt) return;
  fs.writeSync(1, `PAUSED ${what}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  throw new Error("not killed within 60 s");
}
const { fsyncSync, renameSync, writeFileSync } = fs;
// A write to an open file goes in two halves, with a step between: a kill there is a kill in
// the middle of writing the bytes (what a slow disk or a big file makes likely).
fs.writeFileSync = (target, data, ...rest) => {
  if (typeof target !== "number") return writeFileSync(target, data, ...rest);
  const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const half = bytes.length >> 1;
  writeAll(target, bytes.subarray(0, half));
  step(`half of ${pathOf(target)} written`);
  writeAll(target, bytes.subarray(half));
};
function writeAll(fd, bytes) {
  for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}
/** The path of an open file (Linux), for the report. */
function pathOf(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return `fd ${fd}`;
  }
}
fs.fsyncSync = (fd) => {
  step(`${fs.fstatSync(fd).isDirectory() ? "fsync of folder" : "fsync of"} ${pathOf(fd)}`);
  return fsyncSync(fd);
};
fs.renameSync = (from, to) => {
  step(`rename to ${to}`);
  return renameSync(from, to);
};

const trainSet = nn.loadImageDataset("fashion", "train");
const split = nn.trainValSplit({ x: trainSet.x, y: trainSet.y }, 0.1, 0);
const first = (n) => Int32Array.from({ length: n }, (_, i) => i);
const train = nn.takeSamples(split.train, first(3000)).x;
const val = nn.takeSamples(split.val, first(500)).x;
let configs = nn.defaultAeGrid("quick");
if (values.runs) configs = configs.slice(0, Number(values.runs));
if (values.epochs) configs = configs.map((c) => ({ ...c, epochs: Number(values.epochs) }));

const runs = nn.runAeGrid(configs, train, val, { progress: false, cache: { dir: `${out}/grid_runs` } });
nn.saveGridCheckpoints("fashion", nn.gridPicks(runs), out);
nn.saveCsv(nn.gridResultsTable(runs), `${out}/results.csv`);
fs.writeSync(1, `DONE ${steps} write steps, reused ${runs.filter((r) => r.reused).length} of ${runs.length} runs\n`);
