// The labs' parameters: every name a lab declares in its "parameters" cell can be checked,
// and bad values are refused with the parameter's name and what is allowed.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LAB_PARAMETERS, checkLabParameters, exercises } from "../src";
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
