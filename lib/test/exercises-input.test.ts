// Bad input to the grader gets a failed check with a plain message, never a crash from
// inside it; a failed check throws an ExerciseError whose text is the message alone.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as util from "node:util";
import { ForwardOptions, Linear, Matrix, exercises } from "../src";
import type { ExerciseReport } from "../src/exercises";
import { MaskReLU, OuterProductLinear, logSoftmaxCrossEntropy } from "./support/learner_code";
import { MINE } from "./support/network_mutants";

/** The first failed check's detail and hint, as one line. */
function firstFailure(report: ExerciseReport): string {
  const r = report.results.find((c) => !c.passed);
  assert.ok(r, `${report.title} passed`);
  return `${r.name} | ${r.detail} | ${r.hint ?? ""}`;
}

test("a class without backward is named as such", () => {
  class NoBackward {
    label = "ReLU";
    forward(x: Matrix): Matrix {
      return x.clone();
    }
    params() {
      return [];
    }
    buffers() {
      return [];
    }
  }
  // The cast stands for what plain JavaScript (or a cell without types) can pass.
  const report = exercises.gradeReLU(NoBackward as unknown as exercises.ActivationClass);
  assert.match(firstFailure(report), /ReLU has no backward\(\)/);
  assert.equal(report.results.length, 1, "nothing else runs on a class that is not a Layer");
});

test("a wrong output shape says expected and got", () => {
  class WrongShape extends OuterProductLinear {
    override forward(x: Matrix): Matrix {
      this.x = x;
      return new Matrix(x.rows, this.inFeatures, x.dtype);
    }
  }
  const line = firstFailure(exercises.gradeLinear(WrongShape));
  assert.match(line, /forward: y = x·W \+ b \| N=\d+, in=\d+, out=\d+: y should have shape \(\d+, \d+\), got \(\d+, \d+\)/);
});

test("NaN in an output is located, not averaged into an error", () => {
  class NaNReLU extends MaskReLU {
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      const y = super.forward(x, options);
      y.data[1] = NaN;
      return y;
    }
  }
  assert.match(firstFailure(exercises.gradeReLU(NaNReLU)), /y has NaN at row 0, column 1/);
});

test("float32 outputs, non-matrix returns and non-functions get their own messages", () => {
  class Float32ReLU extends MaskReLU {
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      return super.forward(x, options).astype("float32");
    }
  }
  assert.match(firstFailure(exercises.gradeReLU(Float32ReLU)), /y is float32, the input was float64 \| create results with the input's dtype/);
  class ReturnsArray extends MaskReLU {
    override forward(x: Matrix, options: ForwardOptions): Matrix {
      return super.forward(x, options).toRows() as unknown as Matrix;
    }
  }
  assert.match(firstFailure(exercises.gradeReLU(ReturnsArray)), /is an array of length \d+, not an nn.Matrix/);
  const notAFunction = exercises.gradeSoftmaxCrossEntropy(42 as unknown as exercises.SoftmaxCrossEntropyFunction);
  assert.match(firstFailure(notAFunction), /got number 42 \| pass it itself: checkSoftmaxCrossEntropy/);
  const badReturn = exercises.gradeMeanSquaredError(() => 0.5 as unknown as ReturnType<exercises.MseFunction>);
  assert.match(firstFailure(badReturn), /returned number 0.5 \| return an object \{ loss, grad \}/);
  const notTrained = exercises.gradeSpiralClassifier(() => ({ model: null, history: null }) as unknown as exercises.Trained<Int32Array>, MINE);
  assert.match(firstFailure(notTrained), /return \{ model, history \}/);
  const notSetUp = exercises.gradeBeforeTraining(() => ({ model: null }) as unknown as exercises.NetworkSetup<Int32Array>, MINE);
  assert.match(firstFailure(notSetUp), /return \{ model, optimizer \}/);
  const engineAsMine = exercises.gradeSpiralClassifier(() => ({ model: null, history: null }) as unknown as exercises.Trained<Int32Array>, {
    ...MINE,
    Linear: Linear as unknown as exercises.LinearClass,
  });
  assert.match(firstFailure(engineAsMine), /Linear is the engine's \| pass the object the import cell builds from \.\/my_layers/);
});

test("an error thrown inside the learner's code names the method, and a stub says not implemented", () => {
  class Broken extends OuterProductLinear {
    override backward(): Matrix {
      throw new TypeError("Cannot read properties of undefined (reading 'data')");
    }
  }
  assert.match(firstFailure(exercises.gradeLinear(Broken)), /Linear.backward threw TypeError: Cannot read properties of undefined/);
  const stub = exercises.gradeSoftmaxCrossEntropy(() => {
    throw new Error("not implemented: softmaxCrossEntropy");
  });
  assert.ok(stub.results.every((r) => r.notImplemented === "not implemented: softmaxCrossEntropy"));
  // nbgrader's stub is one text for every region, without a label: the method that threw names it.
  class NbgraderStub extends OuterProductLinear {
    override forward(): Matrix {
      throw new Error("not implemented");
    }
  }
  assert.throws(
    () => exercises.checkLinear(NbgraderStub, { log: null }),
    (err: Error) => {
      assert.equal(
        err.message,
        "E1 · Linear: not implemented: Linear.forward. Write the code where it says YOUR CODE HERE, run that cell, then run this check again.",
      );
      return true;
    },
  );
});

test("check* prints the whole report, then throws an ExerciseError that shows only its message", () => {
  const printed: string[] = [];
  let thrown: unknown;
  try {
    exercises.checkSoftmaxCrossEntropy(
      (logits, labels) => {
        const { loss, grad } = logSoftmaxCrossEntropy(logits, labels);
        return { loss: loss * logits.rows, grad };
      },
      { log: (t) => printed.push(t) },
    );
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof exercises.ExerciseError);
  assert.match(thrown.message, /E3 · softmax cross-entropy: 3 of 5 checks failed: loss = mean over rows of −log softmax\(z\)\[y\]; stable at logits/);
  assert.equal(thrown.report.passed, false);
  assert.match(printed.join("\n"), /✗ loss = mean over rows[^\n]*\n.*\n\s+hint: the loss is the sum over the batch/);
  // What tslab prints for a thrown error: the message, no frames inside the grader.
  const shown = util.inspect(thrown);
  assert.doesNotMatch(shown, /\n\s+at |grader\.js|report:/);
  assert.match(shown, /ExerciseError: E3 · softmax cross-entropy/);
  // A passing check prints and returns.
  printed.length = 0;
  exercises.checkSoftmaxCrossEntropy(logSoftmaxCrossEntropy, { log: (t) => printed.push(t) });
  assert.match(printed[0], /all 5 checks passed/);
});
