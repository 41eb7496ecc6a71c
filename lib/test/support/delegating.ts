// The correct results computed by the engine's own layer, loss, SGD or kernel: each must fail only
// the "written by hand" check. Not for wrong results: those are the mutants of mutants.ts.
import {
  BatchNorm1d,
  DType,
  ForwardOptions,
  Linear,
  Matrix,
  Param,
  Rng,
  SGD,
  Sigmoid,
  StateBuffer,
  exercises,
  kernels,
  meanSquaredError,
  softmaxCrossEntropy,
} from "../../src";
import * as nn from "../../src";
import type { ExerciseReport } from "../../src/exercises";
import { KernelLinear, MaskReLU, TwoPassSGD } from "./learner_code";
import { engineNumericGradient, gradeEngineLayerCheck, gradeNumeric } from "./gradcheck_code";

// ---- Handed to the engine: right numbers, but the graded method calls the engine's own layer, loss, SGD or kernel ----
/** Holds an nn.Linear and forwards every call to it. */
class WrappedLinear {
  readonly label = "Linear";
  readonly inner: Linear;
  readonly weight: Param;
  readonly bias: Param;
  constructor(inFeatures: number, outFeatures: number, rng = new Rng(0), dtype: DType = "float64") {
    this.inner = new Linear(inFeatures, outFeatures, { init: "he", rng, dtype });
    this.weight = this.inner.weight;
    this.bias = this.inner.bias!;
  }
  forward(x: Matrix, options: ForwardOptions): Matrix {
    return this.inner.forward(x, options);
  }
  backward(dOut: Matrix): Matrix {
    return this.inner.backward(dOut);
  }
  params(): Param[] {
    return [this.weight, this.bias];
  }
  buffers(): StateBuffer[] {
    return [];
  }
}
/** ReLU by the engine's kernels. */
class KernelReLU extends MaskReLU {
  private y: Matrix | null = null;
  override forward(x: Matrix): Matrix {
    return (this.y = kernels.relu(x));
  }
  override backward(dOut: Matrix): Matrix {
    return kernels.reluBackward(dOut, this.y!);
  }
}
/** The engine's Sigmoid under the learner's name. */
class SubclassedSigmoid extends Sigmoid {}
/** The engine's BatchNorm1d under the learner's name. */
class SubclassedBatchNorm extends BatchNorm1d {}
/** The engine's SGD under the learner's name. */
class SubclassedSGD extends SGD {}
/** Only the step is handed over: the decayed update by the engine's kernel. */
class KernelStepSGD extends TwoPassSGD {
  override step(params: readonly Param[]): void {
    for (const p of params) kernels.sgdUpdate(p.value, p.grad, this.lr, p.decay ? this.weightDecay : 0);
  }
}

// Taken out of nn.kernels and nn when the cell runs, before any check wraps them: the originals.
const { gemm, matmulTransA, matmulTransB, sumOverRows, relu, reluBackward } = kernels;
const { softmaxCrossEntropy: takenSoftmaxCrossEntropy, meanSquaredError: takenMeanSquaredError } = nn;
/** Linear by kernels destructured at the top of the cell. */
class DestructuredKernelLinear extends KernelLinear {
  override forward(x: Matrix): Matrix {
    this.x = x;
    const y = new Matrix(x.rows, this.outFeatures, x.dtype);
    for (let i = 0; i < x.rows; i++) y.data.set(this.bias.value.data, i * this.outFeatures);
    return gemm(x, this.weight.value, false, false, y, 1);
  }
  override backward(dOut: Matrix): Matrix {
    matmulTransA(this.x!, dOut, this.weight.grad);
    sumOverRows(dOut, this.bias.grad);
    return matmulTransB(dOut, this.weight.value, new Matrix(dOut.rows, this.inFeatures, dOut.dtype));
  }
}
/** ReLU by kernels destructured at the top of the cell. */
class DestructuredKernelReLU extends MaskReLU {
  private y: Matrix | null = null;
  override forward(x: Matrix): Matrix {
    return (this.y = relu(x));
  }
  override backward(dOut: Matrix): Matrix {
    return reluBackward(dOut, this.y!);
  }
}

/** What a learner whose code hands the graded method to the engine is told. */
export const HANDED_TO_ENGINE = /write the computation yourself with get\/set/;

/** Correct results by the engine's own code: each must fail only the "written by hand" check, naming what it used. */
export const DELEGATING: Array<{ exercise: string; grade: () => ExerciseReport; uses: RegExp }> = [
  // (checkLayerDX calls that numericGradient, so it is named too.)
  {
    exercise: "E0 numericGradient by nn.gradcheck.numericalGradient",
    grade: gradeNumeric(engineNumericGradient),
    uses: /^numericGradient uses the engine's own nn\.gradcheck\.numericalGradient; checkLayerDX uses the engine's own nn\.gradcheck\.numericalGradient$/,
  },
  {
    exercise: "E0 checkLayerDX by numericalGradient destructured from nn.gradcheck",
    grade: gradeEngineLayerCheck,
    uses: /^checkLayerDX uses the engine's own nn\.gradcheck\.numericalGradient$/,
  },
  {
    exercise: "E1 wraps nn.Linear",
    grade: () => exercises.gradeLinear(WrappedLinear),
    uses: /Linear\.forward uses the engine's own nn\.Linear \(its forward\); Linear\.backward uses the engine's own nn\.Linear \(its backward\)/,
  },
  {
    exercise: "E1 calls nn.kernels",
    grade: () => exercises.gradeLinear(KernelLinear),
    uses: /Linear\.forward uses the engine's own nn\.kernels\.fillRows and nn\.kernels\.gemm; Linear\.backward uses the engine's own nn\.kernels\.matmulTransA, nn\.kernels\.sumOverRows and nn\.kernels\.matmulTransB/,
  },
  {
    exercise: "E1 calls kernels destructured before the check",
    grade: () => exercises.gradeLinear(DestructuredKernelLinear),
    uses: /Linear\.forward uses the engine's own nn\.kernels\.gemm \(or matmul\); Linear\.backward uses the engine's own nn\.kernels\.matmulTransA, nn\.kernels\.sumOverRows and nn\.kernels\.matmulTransB/,
  },
  {
    exercise: "E2 ReLU by nn.kernels.relu destructured before the check",
    grade: () => exercises.gradeReLU(DestructuredKernelReLU),
    uses: /ReLU\.forward uses the engine's own nn\.kernels\.relu; ReLU\.backward uses the engine's own nn\.kernels\.reluBackward/,
  },
  {
    exercise: "E2 ReLU by nn.kernels.relu",
    grade: () => exercises.gradeReLU(KernelReLU),
    uses: /ReLU\.forward uses the engine's own nn\.kernels\.relu; ReLU\.backward uses the engine's own nn\.kernels\.reluBackward/,
  },
  {
    exercise: "E2 extends nn.Sigmoid",
    grade: () => exercises.gradeSigmoid(SubclassedSigmoid),
    uses: /Sigmoid\.forward uses the engine's own nn\.Sigmoid \(its forward\)/,
  },
  {
    exercise: "E3 calls nn.softmaxCrossEntropy",
    grade: () => exercises.gradeSoftmaxCrossEntropy((logits, labels) => softmaxCrossEntropy(logits, labels)),
    uses: /softmaxCrossEntropy uses the engine's own nn\.softmaxCrossEntropy/,
  },
  {
    exercise: "E3 calls nn.meanSquaredError",
    grade: () => exercises.gradeMeanSquaredError((pred, target) => meanSquaredError(pred, target)),
    uses: /meanSquaredError uses the engine's own nn\.meanSquaredError/,
  },
  {
    exercise: "E3 calls softmaxCrossEntropy taken out of nn before the check",
    grade: () => exercises.gradeSoftmaxCrossEntropy((logits, labels) => takenSoftmaxCrossEntropy(logits, labels)),
    uses: /^softmaxCrossEntropy uses the engine's own nn\.softmaxCrossEntropy$/,
  },
  {
    exercise: "E3 calls meanSquaredError taken out of nn before the check",
    grade: () => exercises.gradeMeanSquaredError((pred, target) => takenMeanSquaredError(pred, target)),
    uses: /^meanSquaredError uses the engine's own nn\.kernels\.meanSquaredDiff$/,
  },
  {
    exercise: "E4 extends nn.BatchNorm1d",
    grade: () => exercises.gradeBatchNorm(SubclassedBatchNorm),
    uses: /BatchNorm1d\.forward uses the engine's own nn\.BatchNorm1d \(its forward\)/,
  },
  { exercise: "E5 extends nn.SGD", grade: () => exercises.gradeSGD(SubclassedSGD), uses: /SGD\.step uses the engine's own nn\.SGD \(its step\)/ },
  {
    exercise: "E5 step by nn.kernels.sgdUpdate",
    grade: () => exercises.gradeSGD(KernelStepSGD),
    uses: /SGD\.step uses the engine's own nn\.kernels\.sgdUpdate/,
  },
];
