// Starts and stops a JupyterLab 4 or Notebook 7 server (the project venv's) on a scratch
// folder for the UI tests, and says when one, or Chromium, is missing. Not for driving pages:
// that is jupyter_ui.mjs.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, missing } from "./support.mjs";

export const CHROMIUM = process.env.NNFS_CHROMIUM ?? "/usr/bin/chromium";

/** The two front ends: the oldest major version meant, the flag that exposes the app, a notebook's URL. */
export const KINDS = {
  lab: { name: "JupyterLab", major: 4, expose: "--LabApp.expose_app_in_browser=True", url: (name, n) => `lab/workspaces/nnfs-${n}/tree/${name}` },
  notebook: { name: "Jupyter Notebook", major: 7, expose: "--JupyterNotebookApp.expose_app_in_browser=True", url: (name) => `notebooks/${name}` },
};

/** The major version of `jupyter <kind>` on PATH (NaN when it does not run), asked once per kind. */
const majors = new Map();
function majorVersion(kind) {
  if (!majors.has(kind)) {
    const found = spawnSync("jupyter", [kind, "--version"], { encoding: "utf8" });
    majors.set(kind, found.status === 0 ? Number(found.stdout.trim().split(".")[0]) : NaN);
  }
  return majors.get(kind);
}

/**
 * True (and `t` skipped, or failed under CI) when `kind` ("lab" or "notebook") at its major
 * version, or Chromium, is missing.
 */
export function uiMissing(t, kind) {
  const { name, major } = KINDS[kind];
  if (!(majorVersion(kind) >= major)) {
    missing(t, `${name} ${major} (jupyter ${kind} on PATH)`, "bash scripts/setup.sh makes the project venv with it; then source scripts/common.sh");
    return true;
  }
  if (!fs.existsSync(CHROMIUM)) {
    missing(t, CHROMIUM, "apt-get install chromium");
    return true;
  }
  return false;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Jupyter's own state in `dir` instead of the user's home: settings, workspaces, runtime
 * files. The settings turn off the news prompt, a toast over the notebook.
 */
function jupyterState(dir) {
  const settings = path.join(dir, "settings", "@jupyterlab", "apputils-extension");
  fs.mkdirSync(settings, { recursive: true });
  fs.writeFileSync(path.join(settings, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  return {
    JUPYTER_CONFIG_DIR: path.join(dir, "config"),
    JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(dir, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(dir, "workspaces"),
  };
}

/**
 * Starts `jupyter lab` or `jupyter notebook` (kind) on a new scratch folder that holds a
 * link to node_modules (so `import "nnfs"` resolves), with the tslab kernel spec, the quick
 * profile, and NNFS_ROOT = `root` (default: the scratch folder). Returns the server:
 * `add(name, from)` copies a notebook in, `log()` is its stderr's tail, `stop()` ends it.
 */
export async function startJupyter(kind, { root } = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-ui-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [
    kind,
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${scratch}`,
    KINDS[kind].expose,
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");
  const child = spawn("jupyter", args, {
    env: {
      ...process.env,
      ...jupyterState(path.join(scratch, ".jupyter-state")), // a hidden folder: not in the file browser
      JUPYTER_PATH: path.join(ROOT, ".jupyter"),
      NNFS_ROOT: root ?? scratch,
      LABS_PROFILE: "quick",
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
    },
    detached: true, // its own process group, which stop() signals
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log = (log + d).slice(-20_000)));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const server = {
    kind,
    scratch,
    base: `http://127.0.0.1:${port}/`,
    token,
    log: () => log.split("\n").slice(-20).join("\n"),
    add: (name, from) => fs.copyFileSync(from, path.join(scratch, name)),
    async stop() {
      // The kernels first, through the server: they run in sessions of their own, which a
      // signal to the server's process group does not reach.
      await shutDownKernels(server).catch(() => undefined);
      signal(child, "SIGTERM");
      const timer = setTimeout(() => signal(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
  try {
    await waitForServer(server, exited);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function shutDownKernels(server) {
  const api = (route, method = "GET") => fetch(`${server.base}api/${route}`, { method, headers: { Authorization: `token ${server.token}` } });
  const kernels = await (await api("kernels")).json();
  await Promise.all(kernels.map((k) => api(`kernels/${k.id}`, "DELETE")));
}

function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}

async function waitForServer(server, exited) {
  const status = `${server.base}api/status?token=${server.token}`;
  let gone = false;
  exited.then(() => (gone = true));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !gone;) {
    try {
      if ((await fetch(status)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`jupyter ${server.kind} did not answer at ${server.base} (${gone ? "it exited" : "60 s"}):\n${server.log()}`);
}
