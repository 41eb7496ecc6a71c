// writeFileAtomic: readers see the old file or the new one, the bytes and the rename are
// flushed to disk before it returns, and temporaries left by a killed writer are cleared.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
// The module object itself (not a namespace copy), so t.mock.method can replace its functions.
import fs = require("fs");
import * as path from "path";
import { removeStaleTemporaries, writeFileAtomic } from "../src";
import { tempDir } from "./support/temp";

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

test("the temporary file and then its folder are fsync'd, around the rename", (t) => {
  const file = path.join(tempDir("nnfs-write-"), "a.bin");
  const order: string[] = [];
  const fsync = t.mock.method(fs, "fsyncSync", (fd: number) => {
    order.push(fs.fstatSync(fd).isDirectory() ? "fsync folder" : `fsync file (${fs.fstatSync(fd).size} bytes)`);
  });
  const rename = t.mock.method(fs, "renameSync", (from: string, to: string) => {
    order.push("rename");
    rename.mock.restore();
    fs.renameSync(from, to);
  });
  writeFileAtomic(file, new Uint8Array(1000));
  fsync.mock.restore();
  assert.deepEqual(order, ["fsync file (1000 bytes)", "rename", "fsync folder"]);
  assert.equal(fs.readFileSync(file).length, 1000);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["a.bin"]);
});

test("a failed write leaves the old file whole and no temporary behind", (t) => {
  const file = path.join(tempDir("nnfs-write-"), "a.txt");
  writeFileAtomic(file, "old contents");
  t.mock.method(fs, "fsyncSync", () => {
    throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
  });
  assert.throws(() => writeFileAtomic(file, "new contents"), /EIO/);
  t.mock.restoreAll();
  assert.equal(fs.readFileSync(file, "utf8"), "old contents");
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["a.txt"]);
});

test("temporaries of dead writers are removed; a live writer's, and other files, are kept", () => {
  const dir = tempDir("nnfs-write-");
  const file = path.join(dir, "best.safetensors");
  const dead = deadPid();
  const live = process.ppid; // our parent runs for as long as we do
  const names = [
    `best.safetensors.tmp-${dead}-1732600000000`, // writeFileAtomic's own pattern
    `best.safetensors.tmp-${dead}`, // the shorter pattern
    `best.safetensors.tmp-${live}-1732600000000`, // a writer still at work
    "best.safetensors.tmp-notes", // not a pattern we write
    "other.safetensors.tmp-1-1", // another file's
  ];
  for (const name of names) fs.writeFileSync(path.join(dir, name), "partial");
  const removed = removeStaleTemporaries(file);
  assert.deepEqual(removed.sort(), names.slice(0, 2).sort());
  writeFileAtomic(file, "complete");
  assert.deepEqual(fs.readdirSync(dir).sort(), ["best.safetensors", ...names.slice(2)].sort());
});
