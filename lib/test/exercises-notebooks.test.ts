// The exercise notebooks as files: the answer keys carry valid nbgrader metadata, the
// student versions made from them keep everything but the solution regions, and E6's
// collector turns the solution cells into a module that declares what E6 imports.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { exercises } from "../src";
// The release tooling lives in nnfs-tools and throws the engine's DataError as `nnfs` exports it.
import { DataError } from "nnfs";
import * as tools from "nnfs-tools";
import type { ActivationClass, BatchNormClass, LinearClass, MyLayers, NbgraderMeta, Notebook, NotebookCell } from "../src/exercises";
import { cellSource as source } from "../src/exercises/notebook_json";
import { tempDir } from "./support/temp";
import { MaskReLU, OuterProductLinear, StableSigmoid, StagedBatchNorm } from "./support/learner_code";
import * as ts from "typescript";
import * as nnfs from "../src";

const SOLUTIONS = path.resolve(__dirname, "..", "..", "..", "notebooks", "exercises", "solutions");
const answerKeys = (): Array<{ file: string; nb: Notebook }> =>
  fs
    .readdirSync(SOLUTIONS)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((file) => ({ file, nb: exercises.readNotebook(path.join(SOLUTIONS, file)) }));

// nbgrader's schema v3 (nbgrader/nbgraderformat/v3.json): the keys it requires and the only ones it allows.
const NBGRADER_REQUIRED = ["schema_version", "grade", "locked", "solution"];
const NBGRADER_ALLOWED = new Set([...NBGRADER_REQUIRED, "task", "grade_id", "points", "checksum", "cell_type"]);

test("the answer keys E0–E8 are valid exercise sources, cleared, with nbgrader v3 metadata", () => {
  const keys = answerKeys();
  assert.deepEqual(
    keys.map((k) => k.file),
    [
      "E0-gradient-check.ipynb",
      "E1-linear.ipynb",
      "E2-activations.ipynb",
      "E3-losses.ipynb",
      "E4-batchnorm.ipynb",
      "E5-sgd.ipynb",
      "E6-networks.ipynb",
      "E7-dropout.ipynb",
      "E8-update-rules.ipynb",
    ],
  );
  for (const { file, nb } of keys) {
    assert.deepEqual(tools.sourceProblems(nb), [], file);
    let checks = 0;
    for (const cell of nb.cells) {
      assert.deepEqual(cell.outputs ?? [], [], `${file}: committed with outputs`);
      const meta = cell.metadata.nbgrader;
      if (meta === undefined) continue;
      for (const key of NBGRADER_REQUIRED) assert.ok(key in meta, `${file}: nbgrader metadata without ${key}`);
      for (const key of Object.keys(meta)) assert.ok(NBGRADER_ALLOWED.has(key), `${file}: nbgrader metadata has ${key}`);
      if (meta.grade) checks++;
    }
    assert.ok(checks >= 1, `${file} has no graded check cell`);
  }
});

test("the student version replaces each solution region by a labelled stub and keeps the rest", () => {
  for (const { file, nb } of answerKeys()) {
    const student = tools.studentVersion(nb, file);
    assert.equal(student.cells.length, nb.cells.length);
    student.cells.forEach((cell, i) => {
      const original = nb.cells[i];
      assert.deepEqual(cell.metadata, original.metadata, `${file} cell ${i + 1}: metadata`);
      assert.equal(cell.id, original.id);
      if (cell.metadata.nbgrader?.solution) {
        const text = source(cell);
        assert.doesNotMatch(text, /SOLUTION/, `${file} cell ${i + 1}`);
        const labels = [...source(original).matchAll(/BEGIN SOLUTION (\S+)/g)].map((m) => m[1]);
        const stubs = [...text.matchAll(/\/\/ YOUR CODE HERE\n\s*throw new Error\("not implemented: (\S+)"\);/g)].map((m) => m[1]);
        assert.deepEqual(stubs, labels, `${file} cell ${i + 1}`);
      } else {
        assert.equal(source(cell), source(original), `${file} cell ${i + 1} changed`);
      }
    });
  }
});

test("stubs keep the region's indentation and the code around it", () => {
  const text = ["class A {", "  f(): number {", "    // BEGIN SOLUTION A.f", "    return 1;", "    // END SOLUTION", "  }", "}"].join("\n");
  assert.equal(
    tools.stubbed(text),
    ["class A {", "  f(): number {", "    // YOUR CODE HERE", '    throw new Error("not implemented: A.f");', "  }", "}"].join("\n"),
  );
});

test("a broken source is refused with every problem named", () => {
  const meta = (m: Partial<NbgraderMeta>): NotebookCell["metadata"] => ({
    nbgrader: { schema_version: 3, grade: false, solution: false, locked: false, ...m },
  });
  const cell = (text: string, metadata: NotebookCell["metadata"] = {}): NotebookCell => ({
    cell_type: "code",
    metadata,
    source: text,
    outputs: [],
    execution_count: null,
  });
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { language: "python" } },
    cells: [
      cell("// BEGIN SOLUTION\nx\n// END SOLUTION", meta({ solution: true, grade_id: "a" })),
      cell("// BEGIN SOLUTION b\n// BEGIN SOLUTION c\n// END SOLUTION", meta({ solution: true, grade_id: "b" })),
      cell("// BEGIN SOLUTION d\nno end"),
      cell("nn.exercises.checkLinear(Linear);", meta({ grade: true, grade_id: "a" })),
      { cell_type: "markdown", metadata: {}, source: "Stuck? The answer key is in `solutions/` next to this notebook." },
      cell(
        "// BEGIN SOLUTION e\n// as in solutions/ (inside a region: removed from the student version)\nx();\n// END SOLUTION",
        meta({ solution: true, grade_id: "e" }),
      ),
    ],
  };
  const problems = tools.sourceProblems(nb).join("\n");
  for (const expected of [
    /kernelspec.language is "python"/,
    /cell 1: "\/\/ BEGIN SOLUTION" needs a label/,
    /cell 2: "BEGIN SOLUTION" inside the region "b"/,
    /cell 3: the region "d" has no "END SOLUTION"/,
    /cell 3: has a solution region but is not a code cell marked nbgrader solution: true/,
    /cell 4: grade_id "a" is also used by cell 1/,
    /cell 4: a grade cell needs points > 0/,
    /cell 4: calls nn.exercises.check… but is not a locked grade cell/,
    /cell 5: "answer key" tells the learner where the answer keys are/,
  ]) {
    assert.match(problems, expected);
  }
  assert.doesNotMatch(problems, /cell 6/);
  assert.throws(
    () => tools.studentVersion(nb, "broken.ipynb"),
    (err: Error) => err instanceof DataError && /broken.ipynb is not a valid exercise source notebook/.test(err.message),
  );
});

test("E6's collector builds one module from the solution cells and lists the stubs left", () => {
  const byFile = new Map(answerKeys().map(({ file, nb }) => [file, nb]));
  const inputs = exercises.EXERCISE_NOTEBOOKS.map(({ file, names }) => ({ file, names, notebook: byFile.get(file)! }));
  const solved = exercises.collectSources(inputs);
  assert.match(solved.source, /^import \* as nn from "nnfs";$/m);
  assert.match(solved.source, /^export \{ Linear, ReLU, Sigmoid, softmaxCrossEntropy, meanSquaredError, BatchNorm1d, SGD \};$/m);
  assert.ok(solved.notebooks.every((n) => n.stubs.length === 0));
  const student = exercises.collectSources(inputs.map((i) => ({ ...i, notebook: tools.studentVersion(i.notebook, i.file) })));
  const stubs = [
    "Linear.forward",
    "Linear.backward",
    "ReLU.forward",
    "ReLU.backward",
    "Sigmoid.forward",
    "Sigmoid.backward",
    "softmaxCrossEntropy",
    "meanSquaredError",
    "BatchNorm1d.forward",
    "BatchNorm1d.backward",
    "SGD.step",
  ];
  assert.deepEqual(
    student.notebooks.flatMap((n) => n.stubs),
    stubs,
  );
  // nbgrader's stub (notebooks/exercises/nbgrader_config.py) has no label: the method around it names it.
  const unlabelled = (nb: Notebook): Notebook => {
    const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
    for (const cell of copy.cells) cell.source = source(cell).replace(/"not implemented: [^"]+"/g, '"not implemented"');
    return copy;
  };
  const nbgrader = exercises.collectSources(inputs.map((i) => ({ ...i, notebook: unlabelled(tools.studentVersion(i.notebook, i.file)) })));
  assert.doesNotMatch(nbgrader.source, /not implemented:/);
  assert.deepEqual(
    nbgrader.notebooks.flatMap((n) => n.stubs),
    stubs,
  );
  // A renamed class is named in the error, with the file.
  const renamed = JSON.parse(JSON.stringify(byFile.get("E1-linear.ipynb"))) as Notebook;
  for (const cell of renamed.cells) cell.source = source(cell).replace(/class Linear\b/, "class MyLinear");
  assert.throws(
    () => exercises.collectSources([{ file: "E1-linear.ipynb", names: ["Linear"], notebook: renamed }]),
    /E1-linear.ipynb: its solution cells declare no top-level class or function Linear/,
  );
});

// What the lessons ask the learner to derive: no check name, detail, hint or error may give it
// while the learner has written nothing (every check then fails with "not implemented").
const ANSWER_FORMULAS = [
  "Wᵀ",
  "xᵀ",
  "Σₙ",
  "Σ_n", // E1: dX = dOut·Wᵀ, dW = xᵀ·dOut, db = Σₙ dOut
  "x > 0",
  "(1 − y)",
  "(1 - y)", // E2: ReLU's mask, σ' = y·(1 − y)
  "softmax(z) −",
  "onehot",
  "2·(pred",
  "(pred − target) /", // E3's gradients
  "x̂",
  "invStd",
  "running var + eps",
  "mean(dOut", // E4's backward
  "λ·w",
  "λw",
  "λ·p",
  "lr·grad",
  "lr·(grad",
  "− lr", // E5's update
];

/** The E1–E5 code of the student notebooks as released (or as nbgrader releases them), loaded. */
function studentLayers(unlabelled: boolean): MyLayers {
  const byFile = new Map(answerKeys().map(({ file, nb }) => [file, nb]));
  const inputs = exercises.EXERCISE_NOTEBOOKS.map(({ file, names }) => {
    const notebook = tools.studentVersion(byFile.get(file)!, file);
    if (unlabelled) for (const cell of notebook.cells) cell.source = source(cell).replace(/"not implemented: [^"]+"/g, '"not implemented"');
    return { file, names, notebook };
  });
  const js = ts.transpileModule(exercises.collectSources(inputs).source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", js)(module.exports, (id: string) => (id === "nnfs" ? nnfs : require(id)), module);
  return module.exports as unknown as MyLayers;
}

/** Every report of E1–E5 on `mine`, as printed, with each ExerciseError's message; checkAll's too. */
function printedReports(mine: MyLayers): string {
  const printed: string[] = [];
  const run = (check: () => void): void => {
    assert.throws(check, (err: Error) => err instanceof exercises.ExerciseError && (printed.push(err.message), /not implemented/.test(err.message)));
  };
  const log = (t: string): number => printed.push(t);
  run(() => exercises.checkLinear(mine.Linear, { log }));
  run(() => exercises.checkReLU(mine.ReLU, { log }));
  run(() => exercises.checkSigmoid(mine.Sigmoid, { log }));
  run(() => exercises.checkSoftmaxCrossEntropy(mine.softmaxCrossEntropy, { log }));
  run(() => exercises.checkMeanSquaredError(mine.meanSquaredError, { log }));
  run(() => exercises.checkBatchNorm(mine.BatchNorm1d, { log }));
  run(() => exercises.checkSGD(mine.SGD, { log }));
  run(() => exercises.checkAll(mine, { log }));
  return printed.join("\n");
}

function assertNoAnswers(text: string, what: string): void {
  const lines = text.split("\n").filter((l) => ANSWER_FORMULAS.some((f) => l.includes(f)));
  assert.deepEqual([...new Set(lines)], [], `${what} gives away ${ANSWER_FORMULAS.filter((f) => text.includes(f)).join(", ")}`);
  assert.doesNotMatch(text, /hint:/, `${what}: a hint for a check that failed only on a stub`);
}

test("E1–E5's checks on the untouched student stubs give no answer away: names say what is checked, not the formula", () => {
  for (const unlabelled of [false, true]) {
    const text = printedReports(studentLayers(unlabelled));
    assert.equal(
      (text.match(/✗/g) ?? []).length,
      2 * (7 + 4 + 6 + 5 + 4 + 9 + 3),
      "every check but the constructors' failed, in each report and in checkAll's",
    );
    assertNoAnswers(text, unlabelled ? "nbgrader's stubs" : "the released stubs");
  }
  // Forward written, backward still the stub: the backward checks fail on the stub alone.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const stubbedBackward = <T extends new (...args: any[]) => object>(Base: T, label: string): T =>
    class extends Base {
      backward(): never {
        throw new Error(`not implemented: ${label}.backward`);
      }
    };
  const mine = studentLayers(false);
  const halfDone: MyLayers = {
    ...mine,
    Linear: stubbedBackward(OuterProductLinear, "Linear") as unknown as LinearClass,
    ReLU: stubbedBackward(MaskReLU, "ReLU") as unknown as ActivationClass,
    Sigmoid: stubbedBackward(StableSigmoid, "Sigmoid") as unknown as ActivationClass,
    BatchNorm1d: stubbedBackward(StagedBatchNorm, "BatchNorm1d") as unknown as BatchNormClass,
  };
  const text = printedReports(halfDone);
  assert.match(text, /✓ forward: y = x·W \+ b/);
  assertNoAnswers(text, "the stubbed backwards");
});

test("collectMyLayers writes my_layers.ts beside the notebooks and refuses a missing one clearly", async () => {
  const dir = tempDir("nnfs-collect-");
  for (const { file, nb } of answerKeys()) fs.writeFileSync(path.join(dir, file), tools.notebookText(nb));
  const printed: string[] = [];
  await exercises.collectMyLayers({ folder: dir, log: (t) => printed.push(t) });
  assert.match(fs.readFileSync(path.join(dir, "my_layers.ts"), "utf8"), /class BatchNorm1d implements nn.Layer/);
  assert.match(printed[0], /E4-batchnorm.ipynb\s+saved \d{4}-\d\d-\d\d \d\d:\d\d UTC\s+BatchNorm1d/);
  fs.rmSync(path.join(dir, "E3-losses.ipynb"));
  await assert.rejects(
    exercises.collectMyLayers({ folder: dir, log: null }),
    /E3-losses.ipynb is not in .*: E6 collects your code from the notebooks E1–E5 next to it/,
  );
  fs.writeFileSync(path.join(dir, "E3-losses.ipynb"), "{ not json");
  await assert.rejects(exercises.collectMyLayers({ folder: dir, log: null }), /E3-losses.ipynb is not a readable notebook/);
});
