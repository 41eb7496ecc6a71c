// tslab type-checks notebook cells with its own bundled TypeScript 5.0.4, so the
// compiled lib/dist/*.d.ts must be valid for 5.0 (not just for the compiler that built
// them; TypeScript 5.7+ would happily emit e.g. `Float32Array<ArrayBuffer>`).
// Declarations of dependencies (arquero's, say) are not ours to fix; tslab skips
// checking them (skipLibCheck), so only errors in lib/dist and in the snippet count.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts50 from "@tslab/typescript-for-tslab";

const DIST = path.resolve(__dirname, "..", "..", "dist");

test("lib/dist declarations and a notebook-style use of them type-check with tslab's TypeScript", () => {
  assert.equal(ts50.version, "5.0.4");
  assert.ok(fs.existsSync(path.join(DIST, "index.d.ts")), "lib/dist is missing: run npm run build");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-dts-"));
  const usage = path.join(dir, "usage.ts");
  const entry = JSON.stringify(path.join(DIST, "index"));
  fs.writeFileSync(
    usage,
    [
      `import * as nn from ${entry};`,
      "const data = nn.makeSpirals({ pointsPerClass: 5, seed: 1 });",
      "const model = new nn.MLPClassifier({ inputDim: 2, hiddenDims: [4], numClasses: 3, useBatchNorm: true });",
      "const history: nn.History = nn.fit(model, data, { epochs: 1, batchSize: 4, lr: 0.1 });",
      "const labels: Int32Array = model.predict(data.x);",
      "const w: Float32Array | Float64Array = model.params()[0].value.data;",
      'const fig: nn.plot.Figure = nn.plot.learningCurves({ run: history }, "loss", "t");',
      "const rows: number = nn.gridResultsTable([]).numRows();",
      "export { labels, w, fig, rows };",
    ].join("\n"),
  );
  const program = ts50.createProgram([usage], {
    noEmit: true,
    strict: true,
    target: ts50.ScriptTarget.ES2020,
    lib: ["lib.es2020.d.ts"],
    module: ts50.ModuleKind.ESNext,
    moduleResolution: ts50.ModuleResolutionKind.Node10,
    types: [],
    skipLibCheck: false,
  });
  const ours = (d: ts50.Diagnostic): boolean => d.file === undefined || d.file.fileName === usage || d.file.fileName.startsWith(DIST);
  const problems = ts50
    .getPreEmitDiagnostics(program)
    .filter(ours)
    .map((d) => {
      const where = d.file ? `${path.relative(DIST, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
      return `${where} ${ts50.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
});
