// The labs' optional sections load the learner's my_layers.ts at run time: its `import … from
// "nnfs"` must get the module the lab passes in, so its layers build on the lab's Matrix.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as nnfs from "../src";
import { ConfigError } from "../src/errors";
import { loadMyLayers } from "../src/exercises/my_layers_loader";

const NAMES = ["Linear", "ReLU", "Sigmoid", "softmaxCrossEntropy", "meanSquaredError", "BatchNorm1d", "SGD"];
// Each export re-exports the engine's own, so the test needs no learner code.
const SOURCE = `import * as nn from "nnfs";\n${NAMES.map((n) => `export const ${n} = nn.${n};`).join("\n")}\nexport const seen = nn;\n`;

function withFile(source: string | null, body: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-my-layers-"));
  try {
    const file = path.join(dir, "my_layers.ts");
    if (source !== null) fs.writeFileSync(file, source);
    body(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("loadMyLayers hands the learner's file the nnfs module it was given", () => {
  withFile(SOURCE, (file) => {
    // A copy, not the package index itself: the file must get what was passed, not a require of the index.
    const given = { ...nnfs };
    const loaded = loadMyLayers(given, file);
    assert.equal(loaded.reason, undefined);
    assert.ok(loaded.layers !== null);
    assert.equal((loaded.layers as unknown as { seen: unknown }).seen, given);
    assert.equal(loaded.layers.Linear, nnfs.Linear);
  });
});

test("loadMyLayers says what to do when the file is missing, stubbed or incomplete", () => {
  withFile(null, (file) => assert.match(loadMyLayers(nnfs, file).reason ?? "", /is not there yet/));
  withFile(`export class Linear { forward() { throw new Error("not implemented"); } }\n`, (file) =>
    assert.match(loadMyLayers(nnfs, file).reason ?? "", /"not implemented" stubs/),
  );
  withFile(SOURCE.replace("export const SGD", "const SGD"), (file) => assert.match(loadMyLayers(nnfs, file).reason ?? "", /exports no SGD/));
});

test("loadMyLayers without the nnfs module is a ConfigError naming the parameter", () => {
  withFile(SOURCE, (file) => {
    for (const bad of [undefined, null, {}, "nnfs"]) {
      assert.throws(
        () => loadMyLayers(bad as unknown as object, file),
        (e: unknown) => e instanceof ConfigError && /nnfs must be the nnfs module/.test(e.message),
      );
    }
  });
});
