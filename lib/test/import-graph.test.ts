// No import circles in lib/src: not between files (type-only imports included), and not
// between its folders (a subfolder counts as part of its top folder; the files at the root
// of lib/src, tensor.ts and the like, count one by one). To see the graph: build the tests
// and call importGraph/circles from lib/build/test/support/import_graph.js.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { circles, folderGraph, importGraph, ImportGraph } from "./support/import_graph";

const SRC = path.resolve(__dirname, "..", "..", "src");
let cached: ImportGraph | null = null;
const srcGraph = (): ImportGraph => (cached ??= importGraph(SRC));

test("the cycle finder finds a circle, a self-import and a circle through a folder, and nothing in a chain", () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
  assert.deepEqual(circles(graph({ "a.ts": ["b.ts"], "b.ts": ["c.ts"], "c.ts": [] })), []);
  assert.deepEqual(circles(graph({ "a.ts": ["b.ts"], "b.ts": ["c.ts"], "c.ts": ["a.ts"], "d.ts": ["a.ts"] })), [["a.ts", "b.ts", "c.ts"]]);
  assert.deepEqual(circles(graph({ "a.ts": ["a.ts"] })), [["a.ts"]]);
  assert.deepEqual(circles(graph({ "a.ts": ["b.ts"], "b.ts": ["a.ts"], "c.ts": ["d.ts"], "d.ts": ["c.ts"] })), [
    ["a.ts", "b.ts"],
    ["c.ts", "d.ts"],
  ]);
  // No file circle, but train/ and plot/ import each other.
  const files = graph({ "train/fit.ts": ["history.ts"], "train/grid.ts": ["plot/live.ts"], "plot/live.ts": ["train/fit.ts"], "history.ts": [] });
  assert.deepEqual(circles(files), []);
  assert.deepEqual(circles(folderGraph(files, 1)), [["plot/", "train/"]]);
  assert.deepEqual(circles(folderGraph(graph({ "k/a.ts": ["k/b/c.ts"], "k/b/c.ts": ["k/a.ts"] }), 1)), []);
});

test("the reader follows a require() inside a function", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnfs-import-graph-"));
  try {
    fs.writeFileSync(path.join(dir, "a.ts"), 'export function load(): unknown {\n  return require("./b");\n}\n');
    fs.writeFileSync(path.join(dir, "b.ts"), 'import { load } from "./a";\nexport const b = load;\n');
    assert.deepEqual(circles(importGraph(dir)), [["a.ts", "b.ts"]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lib/src has no import circle between files", () => {
  const graph = srcGraph();
  assert.ok(graph.size > 100, "the graph misses files: the reader is broken");
  // Each kind of import is read: export * as, import type, export-from (a require() in a function: below).
  assert.ok(graph.get("index.ts")!.has("plot/index.ts"), 'export * as plot from "./plot"');
  assert.ok(graph.get("io/training_checkpoint.ts")!.has("training_history.ts"), "import type { History }");
  assert.ok(graph.get("models/index.ts")!.size > 0, "export { … } from");
  assert.deepEqual(
    circles(graph).map((c) => c.join(" ")),
    [],
  );
});

test("lib/src has no import circle between folders", () => {
  assert.deepEqual(
    circles(folderGraph(srcGraph(), 1)).map((c) => c.join(" ")),
    [],
  );
});
