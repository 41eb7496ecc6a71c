// Other kernels beside this one (kernels/other_kernels.ts): live ones found, files of
// processes that are gone removed, and the note said only when several BLAS threads would meet.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { otherKernelsNote, registerKernel } from "../src/kernels/other_kernels";
import { tempDir } from "./support/temp";

test("registerKernel finds the other live processes and removes the files of those that are gone", async () => {
  const folder = tempDir("nnfs-kernels-");
  const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
  try {
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    fs.writeFileSync(path.join(folder, String(sleeper.pid)), "");
    fs.writeFileSync(path.join(folder, String(deadPid)), "");
    fs.writeFileSync(path.join(folder, "notes.txt"), "");
    assert.deepEqual(registerKernel(folder, process.pid), [sleeper.pid]);
    assert.ok(fs.existsSync(path.join(folder, String(process.pid))), "this process registered");
    assert.ok(!fs.existsSync(path.join(folder, String(deadPid))), "the file of a process that is gone was removed");
  } finally {
    sleeper.kill();
  }
  assert.deepEqual(registerKernel(path.join(folder, String(process.pid), "not-a-folder")), [], "an unusable folder means none found");
});

test("the note names the other kernels and says how to give each one thread, only when it matters", () => {
  const note = otherKernelsNote([4321], 2, false)!;
  assert.match(note, /another kernel \(pid 4321\)/);
  assert.match(note, /NNFS_THREADS=1/);
  assert.match(otherKernelsNote([1, 2], 4, false)!, /2 other kernels \(pids 1, 2\)/);
  assert.equal(otherKernelsNote([], 2, false), null, "alone");
  assert.equal(otherKernelsNote([4321], 1, false), null, "one BLAS thread");
  assert.equal(otherKernelsNote([4321], undefined, false), null, "not OpenBLAS");
  assert.equal(otherKernelsNote([4321], 2, true), null, "the user set NNFS_THREADS");
});
