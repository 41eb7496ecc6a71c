// The OpenBLAS kernel choice: a pure function tested on recorded machines (CPU flags and
// the kernel OpenBLAS picked there), and once for real in a child process, where a probe
// that pretends OpenBLAS picked Prescott must make the addon load with the right kernel.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { capableCore, chooseCoretype, cpuFlags } from "../src/kernels/backends/openblas_core";
import { blasAddonPath } from "../src/kernels/backends/blas";
import { tempDir } from "./support/temp";

const flags = (s: string): Set<string> => new Set(s.split(" "));
// /proc/cpuinfo flags (the relevant part) of machines seen with Debian's OpenBLAS 0.3.21.
const XEON_AMX = flags("sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_fp16 amx_tile amx_bf16 amx_int8");
const EPYC_ZEN4 = flags("sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16");
const HASWELL = flags("sse4_2 avx avx2 fma");
const WESTMERE = flags("sse4_2 popcnt aes");

test("a generic kernel on a capable CPU is corrected: the AVX-512 Xeon that ran Prescott gets SkylakeX", () => {
  assert.deepEqual(chooseCoretype({ flags: XEON_AMX, reported: "Prescott" }), {
    coretype: "SkylakeX",
    source: "corrected",
    note: "corrected: OpenBLAS would run its generic Prescott kernel, and this CPU has AVX-512",
  });
  assert.equal(chooseCoretype({ flags: HASWELL, reported: "Nehalem" }).coretype, "Haswell");
  assert.equal(chooseCoretype({ flags: HASWELL, reported: "core2" }).coretype, "Haswell", "names are matched case-insensitively");
});

test("OpenBLAS's own choice stays when it is not generic, when it is unknown, or when the CPU is old", () => {
  assert.deepEqual(chooseCoretype({ flags: EPYC_ZEN4, reported: "Cooperlake" }), { coretype: null, source: "detected", note: "chosen by OpenBLAS" });
  assert.equal(chooseCoretype({ flags: XEON_AMX, reported: null }).coretype, null);
  const old = chooseCoretype({ flags: WESTMERE, reported: "Nehalem" });
  assert.equal(old.coretype, null);
  assert.match(old.note, /a generic kernel, as this CPU has neither AVX2 nor AVX-512/);
});

test("a value the user set always wins, with a warning when it is generic on a capable CPU", () => {
  assert.deepEqual(chooseCoretype({ userValue: "Haswell", flags: XEON_AMX, reported: "Prescott" }), {
    coretype: "Haswell",
    source: "user",
    note: "set by the user's OPENBLAS_CORETYPE",
  });
  assert.match(chooseCoretype({ userValue: "Prescott", flags: XEON_AMX, reported: null }).note, /warning: a generic kernel, this CPU could run SkylakeX/);
});

test("CPU flags are read from cpuinfo; AVX-512 needs all of F, BW, VL and DQ", () => {
  const file = path.join(tempDir("nnfs-cpuinfo-"), "cpuinfo");
  fs.writeFileSync(file, "processor\t: 0\nflags\t\t: fpu avx2 fma avx512f avx512bw\nbugs\t\t: spectre_v1\n");
  const f = cpuFlags(file);
  assert.ok(f.has("avx512f") && f.has("fma") && !f.has("spectre_v1"));
  assert.equal(capableCore(f), "Haswell", "avx512f and bw alone are not SkylakeX's set");
  assert.equal(cpuFlags(path.join(path.dirname(file), "missing")).size, 0);
});

test("loading the addon applies the choice before OpenBLAS starts: a probe saying Prescott gives the capable kernel", (t) => {
  const addon = blasAddonPath();
  const expected = capableCore(cpuFlags());
  if (process.platform !== "linux" || process.arch !== "x64" || addon === null || !fs.existsSync(addon)) return t.skip("no native addon on x86-64 Linux here");
  if (expected === null) return t.skip("this CPU has neither AVX2 nor AVX-512: nothing to correct");
  const blasModule = path.join(__dirname, "..", "src", "kernels", "backends", "blas.js");
  const script = `const b = require(${JSON.stringify(blasModule)}); const r = b.loadBlasAddon(undefined, () => "Prescott"); console.log(JSON.stringify({ core: r.addon.info().core, choice: r.core, env: process.env.OPENBLAS_CORETYPE }));`;
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.core, expected);
  assert.equal(out.env, expected);
  assert.equal(out.choice.source, "corrected");
});
