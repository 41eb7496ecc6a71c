// E6's network mutants: the correct layers of learner_code.ts assembled or trained wrongly, and
// MINE, the learner code E6 is graded with. Not for the layers' own mistakes: those are in mutants.ts.
import { Classifier, Layer, Linear, Matrix, Rng, SGD, exercises, fit } from "../../src";
import type { ExerciseReport } from "../../src/exercises";
import { KernelLinear, MaskReLU, StableSigmoid, StagedBatchNorm, TwoPassSGD, logSoftmaxCrossEntropy, rowwiseMse } from "./learner_code";
import type { Mutant } from "./mutants";

// ---- E6: networks (trained with the correct layers, assembled wrongly) ----
/** The correct learner code of learner_code.ts, as E6's import cell passes it to the checks. */
export const MINE: exercises.MyLayers = {
  Linear: KernelLinear,
  ReLU: MaskReLU,
  Sigmoid: StableSigmoid,
  softmaxCrossEntropy: logSoftmaxCrossEntropy,
  meanSquaredError: rowwiseMse,
  BatchNorm1d: StagedBatchNorm,
  SGD: TwoPassSGD,
};
const spirals =
  (layers: (rng: Rng) => Layer[], epochs = 60): (() => ExerciseReport) =>
  () =>
    exercises.gradeSpiralClassifier((data) => {
      const model = new Classifier(layers(new Rng(0)), { loss: logSoftmaxCrossEntropy });
      return { model, history: fit(model, data.train, { epochs, batchSize: 32, optimizer: new TwoPassSGD({ lr: 0.1 }), seed: 0, val: data.val }) };
    }, MINE);
const plainLayers = (rng: Rng): Layer[] => [new KernelLinear(2, 32, rng), new MaskReLU(), new KernelLinear(32, 3, rng)];
/** A few epochs are enough for the checks of whose work it is, which fail whatever the accuracy. */
const spiralsTrainedBy =
  (train: exercises.TrainFunction<Int32Array>): (() => ExerciseReport) =>
  () =>
    exercises.gradeSpiralClassifier(train, MINE);
const beforeTraining =
  (layers: (rng: Rng) => Layer[], lr = 0.3): (() => ExerciseReport) =>
  () =>
    exercises.gradeBeforeTraining(
      () => ({ model: new Classifier(layers(new Rng(0)), { loss: logSoftmaxCrossEntropy }), optimizer: new TwoPassSGD({ lr }) }),
      MINE,
    );

/** He init scaled up 30×: the untrained network's logits are in the tens. */
class HugeInitLinear extends KernelLinear {
  constructor(inFeatures: number, outFeatures: number, rng = new Rng(0)) {
    super(inFeatures, outFeatures, rng);
    this.weight.value.data.forEach((v, i, a) => (a[i] = 30 * v));
  }
}
/** A backward that returns dX but never writes dW: only the biases learn. */
class NoDWLinear extends KernelLinear {
  override backward(dOut: Matrix): Matrix {
    const dX = super.backward(dOut);
    this.weight.grad.data.fill(0);
    return dX;
  }
}

/** The E6 entries of MUTANTS, in their order there. */
export const NETWORK_MUTANTS: Mutant[] = [
  {
    exercise: "E6",
    mistake: "no activation between the Linear layers",
    grade: spirals((rng) => [new KernelLinear(2, 64, rng), new KernelLinear(64, 3, rng)]),
    hint: /stacked Linear layers without one collapse/,
  },
  {
    exercise: "E6",
    mistake: "an activation after the output layer",
    grade: spirals((rng) => [new KernelLinear(2, 64, rng), new MaskReLU(), new KernelLinear(64, 3, rng), new MaskReLU()]),
    hint: /output layer must be a Linear/,
  },
  {
    exercise: "E6",
    mistake: "the engine's layers instead of the learner's",
    grade: spirals((rng) => [new Linear(2, 64, { init: "he", rng, dtype: "float64" }), new MaskReLU(), new KernelLinear(64, 3, rng)]),
    hint: /build the network from your classes/,
  },
  {
    exercise: "E6",
    mistake: "too few epochs to fit the spirals",
    grade: spirals((rng) => [new KernelLinear(2, 64, rng), new MaskReLU(), new KernelLinear(64, 3, rng)], 2),
    hint: /more epochs, a larger lr/,
  },
  {
    exercise: "E6",
    mistake: "the engine's loss (a Classifier without { loss })",
    grade: spiralsTrainedBy((data) => {
      const model = new Classifier(plainLayers(new Rng(0)));
      return { model, history: fit(model, data.train, { epochs: 3, batchSize: 32, optimizer: new TwoPassSGD({ lr: 0.1 }), seed: 0, val: data.val }) };
    }),
    hint: /without a loss, nn.Classifier uses the engine's/,
  },
  {
    exercise: "E6",
    mistake: "the engine's SGD (fit's lr option)",
    grade: spiralsTrainedBy((data) => {
      const model = new Classifier(plainLayers(new Rng(0)), { loss: logSoftmaxCrossEntropy });
      return { model, history: fit(model, data.train, { epochs: 3, batchSize: 32, lr: 0.1, seed: 0, val: data.val }) };
    }),
    hint: /give nn.fit your optimiser/,
  },
  {
    exercise: "E6",
    mistake: "the engine's SGD (new nn.SGD)",
    grade: spiralsTrainedBy((data) => {
      const model = new Classifier(plainLayers(new Rng(0)), { loss: logSoftmaxCrossEntropy });
      return { model, history: fit(model, data.train, { epochs: 3, batchSize: 32, optimizer: new SGD({ lr: 0.1 }), seed: 0, val: data.val }) };
    }),
    hint: /give nn.fit your optimiser/,
  },
  {
    exercise: "E6",
    mistake: "returns a model other than the one trained",
    grade: spiralsTrainedBy((data) => {
      const model = new Classifier(plainLayers(new Rng(0)), { loss: logSoftmaxCrossEntropy });
      const history = fit(model, data.train, { epochs: 3, batchSize: 32, optimizer: new TwoPassSGD({ lr: 0.1 }), seed: 0, val: data.val });
      return { model: new Classifier(plainLayers(new Rng(1)), { loss: logSoftmaxCrossEntropy }), history };
    }),
    hint: /return the model that nn.fit trained/,
  },
  {
    exercise: "E6",
    mistake: "a huge init (initial loss ≫ ln C)",
    grade: beforeTraining((rng) => [
      new HugeInitLinear(2, 64, rng),
      new MaskReLU(),
      new HugeInitLinear(64, 64, rng),
      new MaskReLU(),
      new HugeInitLinear(64, 3, rng),
    ]),
    hint: /logits are too large/,
  },
  {
    exercise: "E6",
    mistake: "a huge init, seen by the overfit test",
    grade: beforeTraining((rng) => [
      new HugeInitLinear(2, 64, rng),
      new MaskReLU(),
      new HugeInitLinear(64, 64, rng),
      new MaskReLU(),
      new HugeInitLinear(64, 3, rng),
    ]),
    hint: /far above ln 3: make the initial loss right first/,
  },
  {
    exercise: "E6",
    mistake: "a backward that never writes dW (cannot overfit 20 points)",
    grade: beforeTraining((rng) => [new NoDWLinear(2, 64, rng), new MaskReLU(), new NoDWLinear(64, 64, rng), new MaskReLU(), new NoDWLinear(64, 3, rng)]),
    hint: /hardly fell.*bug in a backward/,
  },
  {
    exercise: "E6",
    mistake: "an lr too small to overfit 20 points",
    grade: beforeTraining(
      (rng) => [new KernelLinear(2, 64, rng), new MaskReLU(), new KernelLinear(64, 64, rng), new MaskReLU(), new KernelLinear(64, 3, rng)],
      0.05,
    ),
    hint: /learns, but too slowly.*raise the lr/,
  },
  {
    exercise: "E6",
    mistake: "the BatchNorm network without a BatchNorm",
    grade: () =>
      exercises.gradeBatchNormClassifier((data) => {
        const model = new Classifier(plainLayers(new Rng(0)), { loss: logSoftmaxCrossEntropy });
        return { model, history: fit(model, data.train, { epochs: 3, batchSize: 32, optimizer: new TwoPassSGD({ lr: 0.1 }), seed: 0, val: data.val }) };
      }, MINE),
    hint: /put new BatchNorm1d\(h\) between/,
  },
];
