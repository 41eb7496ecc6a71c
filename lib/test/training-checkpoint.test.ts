// Resumable training: fit({ checkpoint }) then fit({ resume }) into fresh model and optimiser
// objects continues bit for bit like one uninterrupted run, for every optimiser; checkpoints
// from another optimiser, settings, model or run are refused with a message naming the file.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { Adam, MLPClassifier, Momentum, RMSProp, SGD, fit, makeSpirals, trainValSplit } from "../src";
import type { FitOptions, History, Optimizer } from "../src";
import { tempDir } from "./support/temp";

type Dtype = "float32" | "float64";
const data = trainValSplit(makeSpirals({ pointsPerClass: 20, classes: 3, seed: 1 }), 0.25, 2);
const data64 = { train: { ...data.train, x: data.train.x.astype("float64") }, val: { ...data.val, x: data.val.x.astype("float64") } };
const makeModel = (dtype: Dtype = "float32", seed = 3, hiddenDims = [12, 12]): MLPClassifier =>
  new MLPClassifier({ inputDim: 2, hiddenDims, numClasses: 3, useBatchNorm: true, dtype, seed });
const OPTIMIZERS: Array<[string, () => Optimizer]> = [
  ["SGD", () => new SGD({ lr: 0.1, weightDecay: 1e-3 })],
  ["Momentum (Nesterov)", () => new Momentum({ lr: 0.05, nesterov: true, weightDecay: 1e-3 })],
  ["RMSProp", () => new RMSProp({ lr: 0.005 })],
  ["Adam", () => new Adam({ lr: 0.01, weightDecay: 1e-3 })],
];
const settings = (optimizer: Optimizer, epochs: number): FitOptions<Int32Array> => ({ epochs, batchSize: 8, optimizer, seed: 4, val: data.val });

const stateOf = (model: MLPClassifier): Array<Float32Array | Float64Array> => [...model.params(), ...model.buffers()].map((p) => p.value.data.slice());
/** A history without its wall times (which no two runs share). */
const curves = (h: History): Omit<History, "seconds"> => {
  const { seconds, ...rest } = h;
  assert.equal(seconds.length, h.epoch.length);
  return rest;
};

test("6 epochs in one go equal 3 epochs, a checkpoint, and 3 more epochs in fresh objects, bit for bit, for every optimiser", () => {
  const dir = tempDir("nnfs-resume-");
  for (const dtype of ["float32", "float64"] as Dtype[]) {
    const { train, val } = dtype === "float32" ? data : data64;
    const settings = (optimizer: Optimizer, epochs: number): FitOptions<Int32Array> => ({ epochs, batchSize: 8, optimizer, seed: 4, val });
    for (const [name, make] of OPTIMIZERS) {
      const whole = makeModel(dtype);
      const wholeHistory = fit(whole, train, settings(make(), 6));

      const file = path.join(dir, `${name}-${dtype}.safetensors`);
      const firstHalf = fit(makeModel(dtype), train, { ...settings(make(), 3), checkpoint: file });
      assert.deepEqual(firstHalf.epoch, [1, 2, 3]);
      // Fresh objects; another init seed, so the checkpoint's weights must be what counts.
      const resumed = makeModel(dtype, 99);
      const resumedHistory = fit(resumed, train, { ...settings(make(), 6), resume: file, checkpoint: file });
      assert.deepEqual(stateOf(resumed), stateOf(whole), `${name} ${dtype}: params and buffers`);
      assert.deepEqual(curves(resumedHistory), curves(wholeHistory), `${name} ${dtype}: history`);
      assert.deepEqual(resumedHistory.seconds.slice(0, 3), firstHalf.seconds, `${name} ${dtype}: the first half's times come from the checkpoint`);
      // The checkpoint now holds all 6 epochs: resuming it again trains nothing more.
      const again = makeModel(dtype);
      assert.deepEqual(fit(again, train, { ...settings(make(), 6), resume: file }).epoch, [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(stateOf(again), stateOf(whole));
    }
  }
});

test("a model with dropout resumes with the masks an uninterrupted run draws (the generators are in the checkpoint)", () => {
  const file = path.join(tempDir("nnfs-resume-"), "dropout.safetensors");
  const withDropout = (seed = 3): MLPClassifier => new MLPClassifier({ inputDim: 2, hiddenDims: [12, 12], numClasses: 3, dropout: 0.3, seed });
  const whole = withDropout();
  const wholeHistory = fit(whole, data.train, settings(new Adam({ lr: 0.01 }), 6));
  fit(withDropout(), data.train, { ...settings(new Adam({ lr: 0.01 }), 3), checkpoint: file });
  const resumed = withDropout(99);
  const history = fit(resumed, data.train, { ...settings(new Adam({ lr: 0.01 }), 6), resume: file });
  assert.deepEqual(curves(history), curves(wholeHistory));
  assert.deepEqual(stateOf(resumed), stateOf(whole));
  // A model without those Dropout layers is another model.
  assert.throws(() => fit(makeModel(), data.train, { ...settings(new Adam({ lr: 0.01 }), 6), resume: file }), /dropout\.safetensors/);
});

test("a run with a cosine schedule interrupted after epoch 3 continues on the same schedule", () => {
  const file = path.join(tempDir("nnfs-resume-"), "cosine.safetensors");
  const cosine = (optimizer: Optimizer): FitOptions<Int32Array> => ({ ...settings(optimizer, 6), lrSchedule: "cosine" });
  const whole = makeModel();
  const wholeHistory = fit(whole, data.train, cosine(new Adam({ lr: 0.01 })));
  const crash = (h: History): void => {
    if (h.epoch.length === 3) throw new Error("killed");
  };
  assert.throws(() => fit(makeModel(), data.train, { ...cosine(new Adam({ lr: 0.01 })), checkpoint: file, onEpoch: crash }), /killed/);
  const resumed = makeModel("float32", 99);
  const history = fit(resumed, data.train, { ...cosine(new Adam({ lr: 0.01 })), resume: file });
  assert.deepEqual(curves(history), curves(wholeHistory));
  assert.deepEqual(stateOf(resumed), stateOf(whole));
  // The schedule spans the epochs asked for: resuming with another count is refused.
  assert.throws(
    () => fit(makeModel(), data.train, { ...cosine(new Adam({ lr: 0.01 })), epochs: 8, resume: file }),
    /is from another run \(epochs 6 there, 8 here\)/,
  );
});

test("a checkpoint from another optimiser, settings, model or run is refused, naming the file, and changes nothing", () => {
  const dir = tempDir("nnfs-resume-");
  const file = path.join(dir, "adam.safetensors");
  fit(makeModel(), data.train, { ...settings(new Adam({ lr: 0.01 }), 2), checkpoint: file });
  const model = makeModel();
  const before = stateOf(model);
  const resume =
    (optimizer: Optimizer, changes: Partial<FitOptions<Int32Array>> = {}, target = model) =>
    () =>
      fit(target, data.train, { ...settings(optimizer, 4), resume: file, ...changes });
  const named = (pattern: string): RegExp => new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ${pattern}`);
  assert.throws(resume(new Momentum({ lr: 0.01 })), named("written by a run with Adam; it cannot continue with Momentum"));
  assert.throws(resume(new SGD({ lr: 0.01 })), named("written by a run with Adam; it cannot continue with SGD"));
  assert.throws(resume(new Adam({ lr: 0.02 })), named("written by a run with Adam lr=0.01, this Adam has lr=0.02"));
  assert.throws(resume(new Adam({ lr: 0.01, decoupled: true })), named("written by a run with Adam decoupled=false, this Adam has decoupled=true"));
  assert.throws(resume(new Adam({ lr: 0.01 }), {}, makeModel("float32", 3, [12, 8])), named("model tensor 3 is param/3/.*it was written for another model"));
  assert.throws(
    resume(new Adam({ lr: 0.01 }), {}, makeModel("float64")),
    named("model tensor 0 is param/0/.* \\(float32 \\[2,12\\]\\), this model has .* \\(float64"),
  );
  assert.throws(resume(new Adam({ lr: 0.01 }), { seed: 5 }), /is from another run \(seed 4 there, 5 here\); resume with the checkpoint's settings/);
  assert.throws(resume(new Adam({ lr: 0.01 }), { batchSize: 16 }), /is from another run \(batchSize 8 there, 16 here\)/);
  assert.throws(resume(new Adam({ lr: 0.01 }), { val: undefined }), /was written by a run with val data; resume it the same way/);
  assert.throws(resume(new Adam({ lr: 0.01 }), { epochs: 1 }), /has done 2 epochs, more than the 1 asked for/);
  assert.deepEqual(stateOf(model), before, "a refused checkpoint leaves the model as it was");
  // Not a training checkpoint, or no file at all.
  const other = path.join(dir, "other.safetensors");
  fs.writeFileSync(other, fs.readFileSync(file).subarray(0, 100));
  assert.throws(resume(new Adam({ lr: 0.01 }), { resume: other }), /other.safetensors: header length \d+ does not fit/);
  assert.throws(resume(new Adam({ lr: 0.01 }), { resume: path.join(dir, "missing.safetensors") }), /missing.safetensors: no such training checkpoint/);
  // What cannot be saved is refused up front.
  assert.throws(
    () => fit(makeModel(), data.train, { ...settings(new Adam(), 2), checkpoint: file, earlyStopping: { patience: 2 } }),
    /checkpoint cannot be used with earlyStopping/,
  );
  const bare: Optimizer = { lr: 0.1, weightDecay: 0, step: () => undefined };
  assert.throws(
    () => fit(makeModel(), data.train, { ...settings(bare, 2), checkpoint: file }),
    /checkpoint\/resume need an optimizer with config\(\), state\(\) and loadState\(\)/,
  );
});
