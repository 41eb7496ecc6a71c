// E7 (Dropout) and E8 (momentum, RMSProp, AdamW): correct learner code written differently from the
// answer keys passes every check; every catalogue mistake made in it fails with exactly that
// mistake's hint; code that hands the graded method to the engine fails only "written by hand".
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
import * as nnfs from "../src";
import { Dropout, exercises } from "../src";
import { studentVersion } from "nnfs-tools";
import type { AdamWClass, DropoutClass, ExerciseReport, MomentumClass, RMSPropClass } from "../src/exercises";
import { cellSource } from "../src/exercises/notebook_json";
import type { Mistake } from "../src/exercises/mistakes/catalogue";
import { DROPOUT_MISTAKES } from "../src/exercises/mistakes/dropout";
import { MOMENTUM_MISTAKES } from "../src/exercises/mistakes/update_rules_momentum";
import { RMSPROP_MISTAKES } from "../src/exercises/mistakes/update_rules_rmsprop";
import { ADAMW_MISTAKES } from "../src/exercises/mistakes/update_rules_adamw";
import {
  FlagDropout,
  MapMomentum,
  NamedRMSProp,
  RecordAdamW,
  SubclassedMomentum,
  SubclassedRMSProp,
  WrappedAdamW,
  WrappedDropout,
} from "./support/e7_e8_learners";

function failures(report: ExerciseReport): string {
  return report.results
    .filter((r) => !r.passed)
    .map((r) => `${r.name}: ${r.detail} (hint: ${r.hint ?? "none"})`)
    .join("\n");
}

/** Every entry of a catalogue made in `correct`: the ids of those whose report has no failed check with exactly the entry's hint. */
function missed<I>(
  catalogue: readonly Pick<Mistake<I, never, never, unknown, "E7" | "E8">, "id" | "hint" | "wrong">[],
  correct: I,
  grade: (wrong: I) => ExerciseReport,
): string[] {
  return catalogue.flatMap((m) => {
    const report = grade(m.wrong(correct));
    if (report.passed) return [`${m.id}: the grader passed it`];
    const hints = report.results.filter((r) => !r.passed).map((r) => r.hint);
    return hints.includes(m.hint) ? [] : [`${m.id}: no failed check has its hint\n${failures(report)}`];
  });
}

test("correct E7 and E8 code written differently from the answer keys passes every check, on several seeds", () => {
  for (const seed of [0, 1, 2]) {
    for (const r of [
      exercises.gradeDropout(FlagDropout, { seed }),
      exercises.gradeMomentum(MapMomentum, { seed }),
      exercises.gradeRMSProp(NamedRMSProp, { seed }),
      exercises.gradeAdamW(RecordAdamW, { seed }),
    ]) {
      assert.equal(r.passed, true, `${r.title}, seed ${seed}:\n${failures(r)}`);
      assert.ok(r.results.length >= 5, `${r.title} ran ${r.results.length} checks`);
    }
  }
});

test("every E7 mistake in the catalogue, made in correct code, fails with exactly its hint", () => {
  assert.deepEqual(
    missed(DROPOUT_MISTAKES, FlagDropout, (D) => exercises.gradeDropout(D)),
    [],
  );
  assert.ok(DROPOUT_MISTAKES.length >= 10);
});

test("every E8 mistake in the catalogue, made in correct code, fails with exactly its hint", () => {
  assert.deepEqual(
    missed(MOMENTUM_MISTAKES, MapMomentum, (M) => exercises.gradeMomentum(M)),
    [],
  );
  assert.deepEqual(
    missed(RMSPROP_MISTAKES, NamedRMSProp, (R) => exercises.gradeRMSProp(R)),
    [],
  );
  assert.deepEqual(
    missed(ADAMW_MISTAKES, RecordAdamW, (A) => exercises.gradeAdamW(A)),
    [],
  );
  for (const catalogue of [DROPOUT_MISTAKES, MOMENTUM_MISTAKES, RMSPROP_MISTAKES, ADAMW_MISTAKES]) {
    const ids = catalogue.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, "ids are unique within a catalogue");
  }
});

test("E7 and E8 code that hands the work to nn.Dropout, nn.Momentum, nn.RMSProp or nn.Adam fails only the 'written by hand' check", () => {
  const forward = Dropout.prototype.forward;
  const cases: Array<[ExerciseReport, RegExp]> = [
    [
      exercises.gradeDropout(WrappedDropout),
      /Dropout\.forward uses the engine's own nn\.Dropout \(its forward\); Dropout\.backward uses the engine's own nn\.Dropout \(its backward\)/,
    ],
    [exercises.gradeMomentum(SubclassedMomentum), /Momentum\.step uses the engine's own nn\.Momentum \(its step\)/],
    [exercises.gradeRMSProp(SubclassedRMSProp), /RMSProp\.step uses the engine's own nn\.RMSProp \(its step\)/],
    [exercises.gradeAdamW(WrappedAdamW), /AdamW\.step uses the engine's own nn\.Adam \(its step\)/],
  ];
  for (const [report, uses] of cases) {
    const failed = report.results.filter((r) => !r.passed);
    assert.equal(failed.length, 1, `${report.title}: ${failures(report)}`);
    assert.match(failed[0].name, /^written by hand, not handed to nn\.\w+ or nn\.kernels$/);
    assert.match(failed[0].detail, uses);
  }
  assert.equal(Dropout.prototype.forward, forward, "the engine is put back");
});

test("checkDropout, checkMomentum, checkRMSProp and checkAdamW print the report and throw naming the failed checks", () => {
  const lines: string[] = [];
  exercises.checkDropout(FlagDropout, { log: (t) => lines.push(t) });
  assert.match(lines.join("\n"), /E7 · Dropout/);
  assert.throws(() => exercises.checkMomentum(MOMENTUM_MISTAKES[2].wrong(MapMomentum), { log: null }), /E8 · SGD with momentum: \d+ of \d+ checks failed/);
  assert.throws(() => exercises.checkRMSProp(RMSPROP_MISTAKES[0].wrong(NamedRMSProp), { log: null }), /E8 · RMSProp: \d+ of \d+ checks failed/);
  assert.throws(
    () => exercises.checkAdamW(ADAMW_MISTAKES[0].wrong(RecordAdamW), { log: null }),
    /E8 · Adam with decoupled weight decay \(AdamW\): \d+ of \d+ checks failed/,
  );
});

const SOLUTIONS = path.resolve(__dirname, "..", "..", "..", "notebooks", "exercises", "solutions");

/** The classes of a student notebook as released (stubs in place of the solution regions), loaded. */
function studentClasses(file: string, names: string[], unlabelled: boolean): Record<string, unknown> {
  const notebook = studentVersion(exercises.readNotebook(path.join(SOLUTIONS, file)), file);
  if (unlabelled) for (const cell of notebook.cells) cell.source = cellSource(cell).replace(/"not implemented: [^"]+"/g, '"not implemented"');
  const js = ts.transpileModule(exercises.collectSources([{ file, names, notebook }]).source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", js)(module.exports, (id: string) => (id === "nnfs" ? nnfs : require(id)), module);
  return module.exports;
}

// What E7 and E8 ask the learner to derive or state.
const ANSWERS = ["1/(1 − p)", "/(1 − p)", "(1 − p)·", "μ·v", "β1^t", "β2^t", "√v̂", "m̂", "lr·λ", "λ·w", "+ g", "√s", "α·s", "g²"];

test("E7's and E8's checks on the untouched student stubs fail with 'not implemented' and give no answer away", () => {
  for (const unlabelled of [false, true]) {
    const e7 = studentClasses("E7-dropout.ipynb", ["Dropout"], unlabelled);
    const e8 = studentClasses("E8-update-rules.ipynb", ["Momentum", "RMSProp", "AdamW"], unlabelled);
    const printed: string[] = [];
    const log = (t: string): number => printed.push(t);
    const run = (check: () => void): void =>
      assert.throws(check, (err: Error) => err instanceof exercises.ExerciseError && (printed.push(err.message), /not implemented/.test(err.message)));
    run(() => exercises.checkDropout(e7.Dropout as DropoutClass, { log }));
    run(() => exercises.checkMomentum(e8.Momentum as MomentumClass, { log }));
    run(() => exercises.checkRMSProp(e8.RMSProp as RMSPropClass, { log }));
    run(() => exercises.checkAdamW(e8.AdamW as AdamWClass, { log }));
    const text = printed.join("\n");
    assert.doesNotMatch(text, /hint:/, "a hint for a check that failed only on a stub");
    const given = ANSWERS.filter((a) => text.includes(a));
    assert.deepEqual(given, [], `the reports on the stubs give away ${given.join(", ")}`);
    assert.match(text, /not implemented: (Dropout\.constructor|Dropout constructor)/);
    assert.match(text, /not implemented: Momentum\.step/);
    assert.match(text, /not implemented: RMSProp\.step/);
    assert.match(text, /not implemented: AdamW\.step/);
  }
});
