// The notebook runner's parameters and failures: the labs on MNIST with -p (and Lab 2B with
// papermill, which must give the same), bad parameters refused before any cell runs, and a
// broken cell or a type error failing the run loudly. Artifacts go to scratch project roots.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, cellText, missing, notebookJson as notebook, runNotebooks } from "./support.mjs";

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-nb-"));
const LABS = fs
  .readdirSync(path.join(ROOT, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

test("the runner exits non-zero and prints the failing cell's stderr", () => {
  const root = scratch();
  const nb = path.join(root, "broken.ipynb");
  fs.writeFileSync(nb, notebook(['console.log("first cell ran");', 'throw new Error("deliberate failure in cell two");', 'console.log("never reached");']));
  const result = runNotebooks(["--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /FAILED: broken\.ipynb, cell 2/);
  assert.match(result.stderr, /Error: deliberate failure in cell two/);
  // The executed copy is still written, so the failure can be inspected.
  const executed = JSON.parse(fs.readFileSync(path.join(root, "reports", "broken.ipynb"), "utf8"));
  assert.match(JSON.stringify(executed.cells[0].outputs), /first cell ran/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("a TypeScript type error fails the run with the compiler's message", () => {
  const root = scratch();
  const nb = path.join(root, "typo.ipynb");
  fs.writeFileSync(nb, notebook(['const width: number = "64";']));
  const result = runNotebooks(["--no-html", "--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /Type 'string' is not assignable to type 'number'/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("-p dataset mnist runs the labs on MNIST digits end to end, with the values shown in each executed notebook; papermill gives the same", async (t) => {
  const root = scratch();
  const out = path.join(root, "reports");
  const labs = LABS.filter((nb) => nb !== "01-lab1-mlp.ipynb").map((nb) => path.join(ROOT, "notebooks", nb));
  const result = runNotebooks(["--profile", "quick", "-p", "dataset", "mnist", "-p", "fresh", "true", "--out", out, ...labs], root);
  assert.equal(result.status, 0, `runner failed:\n${result.stdout}\n${result.stderr}`);
  for (const name of ["ae_mnist_best.safetensors", "ae_mnist_best_reg.safetensors"]) assert.ok(fs.existsSync(path.join(root, "saved_models", name)), name);
  for (const name of ["ae_mnist_grid_results.csv", "ae_mnist_test_processed.npz", "ae_mnist_umap.npz"])
    assert.ok(fs.existsSync(path.join(root, "outputs", name)), name);
  assert.ok(fs.existsSync(path.join(root, "graphs_exp", "ft_codes_minus_raw_mlp_mnist.html")));
  assert.match(fs.readFileSync(path.join(root, "outputs", "raw_vs_latent.csv"), "utf8"), /^mnist,"raw pixels",MLP,/m);
  assert.ok(!fs.existsSync(path.join(root, "saved_models", "ae_fashion_best.safetensors")), "nothing ran on Fashion-MNIST");
  for (const nb of labs) {
    const cells = JSON.parse(fs.readFileSync(path.join(out, path.basename(nb)), "utf8")).cells;
    const at = cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
    assert.ok(at >= 0, `${path.basename(nb)} has no cell tagged parameters`);
    assert.deepEqual(cells[at + 1].metadata.tags, ["injected-parameters"], path.basename(nb));
    assert.equal(cells[at + 1].source.join?.("") ?? cells[at + 1].source, `// Parameters\ndataset = "mnist";\n${nb.includes("02-") ? "fresh = true;\n" : ""}`);
  }
  assert.match(fs.readFileSync(path.join(out, "index.html"), "utf8"), /dataset <b>mnist<\/b>.*\nparameters: dataset = mnist/);
  assert.match(cellText(path.join(out, "02-ae-grid-search.ipynb")), /fresh = true;[\s\S]*all 11 runs trained now/);
  await t.test("papermill runs Lab 2B with -p dataset mnist: the runner's parameters cell and results", () => papermillMatchesRunner(t, root, out));
  fs.rmSync(root, { recursive: true, force: true });
});

/** papermill (with scripts/papermill_typescript) on Lab 2B where the runner ran it: the same injected cell, the same arrays. */
function papermillMatchesRunner(t, root, runnerOut) {
  if (spawnSync("papermill", ["--version"]).status !== 0) return missing(t, "papermill", "bash scripts/setup.sh installs it into the project venv");
  const lab = "03-ae-process-test.ipynb";
  const npz = path.join(root, "outputs", "ae_mnist_test_processed.npz");
  const arrays = () => {
    const read = spawnSync(process.env.NNFS_PYTHON || "python3", [path.join(ROOT, "scripts", "test", "check_npz.py"), npz], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    assert.equal(read.status, 0, read.stderr);
    return read.stdout;
  };
  const byRunner = arrays();
  fs.rmSync(npz);
  const executed = path.join(root, `papermill-${lab}`);
  const run = spawnSync(
    "papermill",
    [path.join(ROOT, "notebooks", lab), executed, "-k", "tslab", "-p", "dataset", "mnist", "--cwd", path.join(ROOT, "notebooks")],
    {
      encoding: "utf8",
      env: { ...process.env, NNFS_ROOT: root, LABS_PROFILE: "quick" },
      timeout: 10 * 60 * 1000,
    },
  );
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const injected = (file) => {
    const cells = JSON.parse(fs.readFileSync(file, "utf8")).cells;
    const cell = cells.find((c) => c.metadata.tags?.includes("injected-parameters"));
    return { source: [cell.source].flat().join(""), after: cells[cells.indexOf(cell) - 1].metadata.tags };
  };
  assert.deepEqual(injected(executed), injected(path.join(runnerOut, lab)));
  assert.ok(arrays() === byRunner, "papermill's run wrote other arrays than the runner's");
}

test("an unknown parameter or a bad value is refused before any cell runs", () => {
  const root = scratch();
  const out = path.join(root, "reports");
  const labs = ["02-ae-grid-search.ipynb", "03-ae-process-test.ipynb"].map((nb) => path.join(ROOT, "notebooks", nb));
  for (const [args, message] of [
    [["-p", "datset", "mnist"], /-p datset: none of these notebooks has such a parameter; they have: checkpoint, dataset, fresh/],
    [["-p", "dataset", "cifar10"], /-p dataset must be one of "fashion", "mnist" \(got "cifar10"\)/],
    [["-p", "checkpoint", "saved_models/none.safetensors"], /-p checkpoint "saved_models\/none.safetensors": no such file/],
  ]) {
    const result = runNotebooks([...args, "--out", out, ...labs], root);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, message);
    assert.ok(!fs.existsSync(out), "nothing ran");
  }
  fs.rmSync(root, { recursive: true, force: true });
});

test("a parameter declared with const is refused before any cell runs: a new value could not be assigned", () => {
  const root = scratch();
  const nb = path.join(root, "fixed.ipynb");
  const cells = JSON.parse(notebook(['const dataset: string = "fashion";', "console.log(dataset);"]));
  cells.cells[0].metadata.tags = ["parameters"];
  fs.writeFileSync(nb, JSON.stringify(cells));
  const result = runNotebooks(["-p", "dataset", "mnist", "--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /-p dataset: fixed\.ipynb declares it with const; a parameter is declared with let/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("a long synchronous cell with many progress updates keeps its kernel: past the notebook's send budget only final lines go", () => {
  // zeromq sends at most 512 messages while a cell blocks the event loop; the 513th killed the kernel.
  const root = scratch();
  // Inside the project, so that the notebook finds the nnfs package (artifacts still go to the scratch root).
  fs.mkdirSync(path.join(ROOT, "outputs"), { recursive: true });
  const here = fs.mkdtempSync(path.join(ROOT, "outputs", ".scratch-"));
  const nb = path.join(here, "progress.ipynb");
  const cell = [
    'import * as nn from "nnfs";',
    'const h = { epoch: [1], trainLoss: [1], trainMetric: [1], valLoss: [1], valMetric: [1], seconds: [0.1], metricName: "mse" } as any;',
    'const line = nn.progressLine("busy cell", 2000);',
    "for (let i = 0; i < 1500; i++) line.epoch(h);",
    'line.finish("finished after 1500 updates");',
  ].join("\n");
  fs.writeFileSync(nb, notebook([cell, 'console.log("the kernel is still there");']));
  const result = runNotebooks(["--out", path.join(root, "reports"), nb], root);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const cells = JSON.parse(fs.readFileSync(path.join(root, "reports", "progress.ipynb"), "utf8")).cells;
  assert.match(JSON.stringify(cells[0].outputs), /busy cell \| finished after 1500 updates/, "the final line was shown");
  assert.match(JSON.stringify(cells[1].outputs), /the kernel is still there/);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(here, { recursive: true, force: true });
});
