// Which BLAS the native backend links: the project venv's scipy-openblas32 (pinned in
// requirements.txt) when it is installed, found through the addon's rpath without
// LD_LIBRARY_PATH, and giving the same training results as the Debian-linked build.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { Autoencoder, Matrix, Rng, fit, kernels } from "../src";
import { blasAddonPath } from "../src/kernels/backends/blas";
import { missing } from "./support/requirements";

const ROOT = path.join(__dirname, "..", "..", "..");

/** The scipy-openblas32 version pinned in requirements.txt. */
function pinnedVersion(): string {
  const pin = /^scipy-openblas32==(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "requirements.txt"), "utf8"));
  assert.ok(pin, "requirements.txt pins scipy-openblas32 with ==");
  return pin[1];
}

/** The wheel's shared library in the project venv, or null when the venv lacks it. */
function venvLibrary(): string | null {
  const lib = path.join(ROOT, ".venv", "lib");
  if (!fs.existsSync(lib)) return null;
  for (const python of fs.readdirSync(lib)) {
    const so = path.join(lib, python, "site-packages", "scipy_openblas32", "lib", "libscipy_openblas.so");
    if (fs.existsSync(so)) return so;
  }
  return null;
}

test("with the venv's scipy-openblas32 installed, the native backend links it and says which version", (t) => {
  const so = venvLibrary();
  if (so === null) return missing(t, "scipy-openblas32 in the project venv", "bash scripts/setup.sh installs requirements.txt");
  if (!kernels.availableBackends().blas) return missing(t, "the native backend", JSON.stringify(kernels.loadBlasAddon()));
  const before = kernels.backendStatus().name;
  try {
    const status = kernels.useBackend("blas");
    assert.equal(status.library?.source, "scipy-openblas32", status.detail);
    assert.equal(status.library?.version, pinnedVersion());
    assert.equal(status.library?.path, fs.realpathSync(so));
    assert.match(status.detail, /^scipy-openblas32 from the project venv: OpenBLAS \S+ .*; kernel \S+ \(/);
  } finally {
    kernels.useBackend(before);
  }
});

test("the addon finds the venv's library by its rpath, without LD_LIBRARY_PATH", (t) => {
  const addon = blasAddonPath();
  if (venvLibrary() === null || addon === null || !fs.existsSync(addon))
    return missing(t, "the native backend built against the venv's scipy-openblas32", "bash scripts/setup.sh");
  const env = { ...process.env };
  delete env.LD_LIBRARY_PATH;
  delete env.LD_PRELOAD;
  const run = spawnSync(process.execPath, ["-e", `console.log(JSON.stringify(require(${JSON.stringify(addon)}).info()))`], { encoding: "utf8", env });
  assert.equal(run.status, 0, run.stderr);
  const info = JSON.parse(run.stdout) as { source: string; path: string };
  assert.equal(info.source, "scipy-openblas32");
  assert.equal(fs.realpathSync(info.path), fs.realpathSync(venvLibrary()!));
});

// Training losses of the same seeded run on the addon linked against Debian's OpenBLAS
// 0.3.21 (Cooperlake kernel), produced before the switch with NNFS_NATIVE_BLAS=system
// bash scripts/build-native.sh and this test's aeLosses() printed with JSON.stringify.
const DEBIAN_LOSSES = [0.11217729201806442, 0.10566916924958326, 0.10107856451020555];

/** Three epochs of a 784-256-128-256-784 autoencoder on 512 seeded random images. */
function aeLosses(): number[] {
  const rng = new Rng(7);
  const x = new Matrix(512, 784);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform();
  const model = new Autoencoder({ encDims: [256, 128], decDims: [256], activation: "relu", outputActivation: "sigmoid", seed: 7 });
  return fit(model, { x, y: x }, { epochs: 3, batchSize: 128, lr: 0.1, seed: 7 }).trainLoss;
}

test("an autoencoder trains to the Debian-linked build's losses within float32 rounding", (t) => {
  if (!kernels.availableBackends().blas) return missing(t, "the native backend", JSON.stringify(kernels.loadBlasAddon()));
  const before = kernels.backendStatus().name;
  try {
    const status = kernels.useBackend("blas");
    const losses = aeLosses();
    // Different kernels sum in different orders: measured 5e-9 relative apart across
    // OpenBLAS 0.3.21/0.3.34 and Cooperlake/SkylakeX/Haswell/Prescott; float32 epsilon is 1.2e-7.
    losses.forEach((loss, epoch) => {
      const rel = Math.abs(loss - DEBIAN_LOSSES[epoch]) / DEBIAN_LOSSES[epoch];
      assert.ok(rel < 1e-6, `epoch ${epoch + 1} on ${status.detail}: loss ${loss} vs Debian-linked ${DEBIAN_LOSSES[epoch]} (relative ${rel})`);
    });
  } finally {
    kernels.useBackend(before);
  }
});
