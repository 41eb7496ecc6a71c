// Crash test: starts Lab 2A's grid (quick profile, scripts/crash/lab2a_grid.mjs) in a child
// process and kills it with SIGKILL, at random moments in time and at random steps of its
// file writes (half the bytes written, before the file's fsync, before its rename, before the
// folder's fsync).
// After each kill, every file it writes must be whole: the previous complete version or the
// new complete one (checkpoints load and their checksums match). When a child gets to the
// end, its results must equal an uninterrupted run's; then the folder is reset to the old
// state and the kills go on.
// Usage: node scripts/crash_test.mjs [--kills 24] [--seed 1]   (npm run crash-test)
// SIGKILL tests what a crashed or stopped process leaves; what a power cut leaves also
// depends on the fsyncs, which only a machine that loses power can test.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const nn = createRequire(import.meta.url)("nnfs");
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "crash", "lab2a_grid.mjs");
const { values } = parseArgs({ options: { kills: { type: "string", default: "24" }, seed: { type: "string", default: "1" } } });
const wantedKills = Number(values.kills);
const rng = new nn.Rng(Number(values.seed));

/** Runs the child; kills it after `killAfterMs` or when it pauses in a write. */
function runChild(out, { killAfterMs = null, pauseAt = 0, args = [] } = {}) {
  const env = { ...process.env, CRASH_PAUSE_AT: String(pauseAt) };
  const child = spawn(process.execPath, [CHILD, out, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let pausedAt = null;
  const started = performance.now();
  const timer = killAfterMs === null ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    const paused = /^PAUSED (.*)$/m.exec(stdout);
    if (paused && pausedAt === null) {
      pausedAt = paused[1];
      child.kill("SIGKILL");
    }
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ pid: child.pid, code, signal, stdout, stderr, pausedAt, ms: performance.now() - started });
    });
  });
}

function mustComplete(result, what) {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code ?? result.signal}):\n${result.stderr}`);
  return result;
}

/** Every file under dir (relative paths), temporary files apart. */
function listFiles(dir) {
  const files = [];
  const temps = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name));
    (/\.tmp-\d+(-\d+)?$/.test(rel) ? temps : files).push(rel);
  }
  return { files: files.sort(), temps: temps.sort() };
}

/** What must not change between two runs of the same work: bytes, except the wall times kept in grid rows and the CSV. */
function comparable(dir, rel) {
  const file = path.join(dir, rel);
  if (rel.endsWith(".csv")) {
    const rows = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(","));
    const drop = rows[0].indexOf("trainSeconds");
    return rows.map((r) => r.filter((_, i) => i !== drop).join(",")).join("\n");
  }
  if (rel.startsWith("grid_runs")) {
    if (rel.endsWith(".json")) return fs.readFileSync(file, "utf8").replace(/"trainSeconds": [^,]+,/, "");
    // Throws a DataError if the file is damaged or its checksum does not match.
    const { tensors, metadata, checksum } = nn.io.decodeSafetensors(fs.readFileSync(file), file);
    if (checksum !== "verified") throw new Error(`${file}: no checksum`);
    const row = { ...JSON.parse(metadata.grid_row), trainSeconds: 0 };
    const history = { ...JSON.parse(metadata.grid_history), seconds: [] };
    const weights = [...tensors.values()].map((t) => `${t.name}:${Buffer.from(t.data.buffer).toString("base64")}`);
    return JSON.stringify({ row, history, weights, config: metadata.config });
  }
  if (rel.endsWith(".safetensors")) {
    nn.io.loadAutoencoder(file); // loads whole, checksum verified
    if (nn.io.decodeSafetensors(fs.readFileSync(file), file).checksum !== "verified") throw new Error(`${file}: no checksum`);
  }
  return fs.readFileSync(file).toString("base64");
}

function snapshot(dir) {
  return new Map(listFiles(dir).files.map((rel) => [rel, comparable(dir, rel)]));
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-crash-"));
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));
const referenceDir = path.join(scratch, "reference");
const oldDir = path.join(scratch, "old");
const workDir = path.join(scratch, "work");

// An uninterrupted run, and an "old" state to start from (checkpoints of a 1-epoch grid).
const reference = mustComplete(await runChild(referenceDir), "the uninterrupted run");
const totalSteps = Number(/DONE (\d+) write steps/.exec(reference.stdout)[1]);
mustComplete(await runChild(oldDir, { args: ["--epochs", "1"] }), "the old run");
const expected = snapshot(referenceDir);
const old = snapshot(oldDir);
console.log(`uninterrupted run: ${(reference.ms / 1000).toFixed(1)} s, ${totalSteps} write steps, ${expected.size} files`);
fs.cpSync(oldDir, workDir, { recursive: true });

const problems = [];
const kills = [];
let completions = 0;
for (let attempt = 0; kills.length < wantedKills && attempt < wantedKills * 4; attempt++) {
  const inWrite = rng.uniform() < 0.5;
  const result = inWrite
    ? await runChild(workDir, { pauseAt: 1 + Math.floor(rng.uniform() * totalSteps) })
    : await runChild(workDir, { killAfterMs: 150 + rng.uniform() * reference.ms });
  if (result.signal !== "SIGKILL") {
    mustComplete(result, "a resumed run");
    // It got to the end: its results must be the uninterrupted run's.
    const got = snapshot(workDir);
    for (const [rel, value] of expected)
      if (got.get(rel) !== value) problems.push(`completed run ${completions + 1}: ${rel} differs from the uninterrupted run's`);
    for (const rel of got.keys()) if (!expected.has(rel) && !old.has(rel)) problems.push(`completed run: unexpected file ${rel}`);
    const { temps } = listFiles(workDir);
    if (temps.length > 0) problems.push(`completed run: temporary files left: ${temps.join(", ")}`);
    console.log(`  run completed (${/reused \d+ of \d+ runs/.exec(result.stdout)[0]}): results identical to the uninterrupted run's; back to the old state`);
    completions++;
    fs.rmSync(workDir, { recursive: true });
    fs.cpSync(oldDir, workDir, { recursive: true });
    continue;
  }
  // Short names: "grid_runs/…/8844b98868b3.safetensors.tmp-…".
  const short = (text) =>
    text
      .replaceAll(workDir + "/", "")
      .replace(/engine-\w+\/(\w{12})\w*/g, "…/$1")
      .replace(/\.tmp-\d+-\d+/, ".tmp-…");
  const moment = result.pausedAt === null ? `at ${(result.ms / 1000).toFixed(2)} s` : `before ${short(result.pausedAt)}`;
  const { files, temps } = listFiles(workDir);
  let previous = 0;
  let fresh = 0;
  for (const rel of files) {
    let value;
    try {
      value = comparable(workDir, rel);
    } catch (err) {
      problems.push(`kill ${kills.length + 1} (${moment}): ${rel} is damaged: ${err.message}`);
      continue;
    }
    if (value === expected.get(rel)) fresh++;
    else if (value === old.get(rel)) previous++;
    else problems.push(`kill ${kills.length + 1} (${moment}): ${rel} is neither the old complete file nor the new one`);
  }
  kills.push({ moment, files: files.length, previous, fresh, temps: temps.length });
  console.log(
    `  kill ${String(kills.length).padStart(2)} ${moment.padEnd(62)} ${files.length} files: ${fresh} new, ${previous} old; ${temps.length} temporary file(s)`,
  );
}

// Finish from wherever the last kill left it.
const last = mustComplete(await runChild(workDir), "the final resumed run");
const final = snapshot(workDir);
for (const [rel, value] of expected) if (final.get(rel) !== value) problems.push(`final run: ${rel} differs from the uninterrupted run's`);
const leftTemps = listFiles(workDir).temps;
if (leftTemps.length > 0) problems.push(`final run: temporary files left: ${leftTemps.join(", ")}`);
console.log(
  `final run (${/reused \d+ of \d+ runs/.exec(last.stdout)[0]}): ${expected.size} files identical to the uninterrupted run's, ${leftTemps.length} temporary files left`,
);
console.log(
  `${kills.length} kills (${kills.filter((k) => k.moment.startsWith("before")).length} inside a file write), ${completions + 1} completed resumptions, ${problems.length} problems`,
);
if (kills.length < wantedKills) problems.push(`only ${kills.length} of ${wantedKills} kills landed before the children finished`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
