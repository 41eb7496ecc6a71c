// The labs' parameters: every name a lab declares in its "parameters" cell can be checked,
// and bad values are refused with the parameter's name and what is allowed.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { exercises } from "../src";
import { LAB_PARAMETERS, checkLabParameters, declarations, injectedSource, planParameters } from "nnfs-tools";
import { tempDir } from "./support/temp";

const NOTEBOOKS = path.resolve(__dirname, "..", "..", "..", "notebooks");

test("every parameter a lab declares is one the runner can check", () => {
  let cells = 0;
  for (const file of fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb"))) {
    const nb = exercises.readNotebook(path.join(NOTEBOOKS, file));
    for (const cell of nb.cells.filter((c) => (c.metadata.tags as string[] | undefined)?.includes("parameters"))) {
      cells++;
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const names = [...text.matchAll(/^(?:const|let)\s+(\w+)/gm)].map((m) => m[1]);
      assert.ok(names.length > 0, `${file}: empty parameters cell`);
      assert.doesNotMatch(text, /^const\s/m, `${file}: a parameter is declared with let, so that the injected cell can assign a new value`);
      for (const name of names) assert.ok(name in LAB_PARAMETERS, `${file} declares ${name}, which LAB_PARAMETERS does not know`);
      // Only plain values: anything computed from a parameter belongs after the injected cell.
      assert.doesNotMatch(text.replace(/^\s*\/\/.*$/gm, ""), /\$\{|nn\.\w+\(/, `${file}: the parameters cell computes something`);
    }
  }
  assert.equal(cells, 5, "Labs 2A–2E each have one parameters cell");
});

test("dataset, checkpoint and fresh values are checked", () => {
  assert.deepEqual(checkLabParameters({ dataset: "mnist" }), { dataset: "mnist" });
  assert.throws(() => checkLabParameters({ dataset: "cifar10" }), /dataset must be one of "fashion", "mnist" \(got "cifar10"\)/);
  assert.throws(() => checkLabParameters({ epochs: "3" }), /-p epochs: no lab has a parameter of that name; known: dataset, checkpoint, fresh/);
  assert.deepEqual(checkLabParameters({ fresh: "true" }), { fresh: true }, "a boolean, so the injected cell reads `fresh = true;`");
  assert.throws(() => checkLabParameters({ fresh: "yes" }), /fresh: expected true or false \(got "yes"\)/);
  const dir = tempDir("nnfs-params-");
  const notCheckpoint = path.join(dir, "model.safetensors");
  fs.writeFileSync(notCheckpoint, "not a safetensors file at all");
  assert.throws(() => checkLabParameters({ checkpoint: notCheckpoint }), /model.safetensors/);
  assert.throws(() => checkLabParameters({ checkpoint: path.join(dir, "missing.safetensors") }), /no such file .*run Lab 2A first/);
});

test("a parameters cell's declarations are read by the TypeScript parser, not a pattern", () => {
  const source = [
    "// Parameters",
    'let dataset: "fashion" | "mnist" = "fashion"; // the images',
    "const fixed = 3, other: number[] = [1, 2];",
    "let fresh =",
    "  false;",
  ].join("\n");
  assert.deepEqual(declarations(source), [
    { name: "dataset", keyword: "let", initializer: '"fashion"' },
    { name: "fixed", keyword: "const", initializer: "3" },
    { name: "other", keyword: "const", initializer: "[1, 2]" },
    { name: "fresh", keyword: "let", initializer: "false" },
  ]);
  assert.equal(injectedSource({ dataset: "mnist", fresh: true, checkpoint: null }), '// Parameters\ndataset = "mnist";\nfresh = true;\ncheckpoint = null;\n');
});

test("the runner's plan: names checked against the notebooks, then values; each notebook gets only what it declares", () => {
  const dir = tempDir("nnfs-plan-");
  const notebook = (name: string, parameters: string | null): string => {
    const cells: object[] = [{ cell_type: "markdown", metadata: {}, source: "# lab" }];
    if (parameters !== null) cells.push({ cell_type: "code", metadata: { tags: ["parameters"] }, source: parameters });
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    return file;
  };
  const a = notebook("a.ipynb", 'let dataset: DatasetName = "mnist";\nlet fresh = false;');
  const b = notebook("b.ipynb", null);
  const c = notebook("c.ipynb", 'let dataset = "fashion";');
  const plan = planParameters([a, b, c], { fresh: "true" });
  assert.deepEqual(plan.values, { fresh: true });
  assert.equal(plan.dataset, "mnist", "the first declared default");
  assert.deepEqual(
    plan.notebooks.map((n) => [n.at, n.names, n.source]),
    [
      [1, ["fresh"], "// Parameters\nfresh = true;\n"],
      [-1, [], null],
      [1, [], null],
    ],
  );
  assert.equal(planParameters([b], {}).dataset, "none");
  assert.throws(
    () => planParameters([a, b], { datset: "mnist" }),
    /^ConfigError: -p datset: none of these notebooks has such a parameter; they have: dataset, fresh$/,
  );
  assert.throws(() => planParameters([a], { dataset: "cifar10" }), /^ConfigError: -p dataset must be one of "fashion", "mnist" \(got "cifar10"\)$/);
  const fixed = notebook("fixed.ipynb", 'const dataset = "fashion";');
  assert.throws(() => planParameters([a, fixed], { dataset: "mnist" }), /-p dataset: fixed\.ipynb declares it with const; a parameter is declared with let/);
});
