// epochsToTarget / optimizerRace / describeRace on hand-made histories: one run reached the
// target, several did (with a tie), none did, and a lower-is-better metric (MSE).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { describeRace, epochsToTarget, optimizerRace } from "../src";
import type { History } from "../src";

function history(valMetric: number[], metricName = "accuracy"): History {
  const n = valMetric.length;
  const epoch = valMetric.map((_, i) => i + 1);
  return {
    metricName,
    epoch,
    trainLoss: epoch.map(() => 1),
    trainMetric: epoch.map(() => 0.5),
    valLoss: epoch.map(() => 1),
    valMetric,
    seconds: Array(n).fill(0.1),
    lr: Array(n).fill(0.1),
  };
}

test("epochsToTarget is the first epoch at or past the target, or null", () => {
  const h = history([0.5, 0.94, 0.95, 0.9, 0.97]);
  assert.equal(epochsToTarget(h, 0.95), 3, "reaching the target exactly counts, and a later dip does not matter");
  assert.equal(epochsToTarget(h, 0.5), 1);
  assert.equal(epochsToTarget(h, 0.98), null);
  // MSE: lower is better.
  assert.equal(epochsToTarget(history([0.3, 0.1, 0.02, 0.01], "mse"), 0.02), 3);
  // Epoch numbers come from the history (a resumed run's are its own).
  assert.equal(epochsToTarget({ ...h, epoch: [11, 12, 13, 14, 15] }, 0.95), 13);
  assert.throws(() => epochsToTarget(history([]), 0.9, "Adam"), /run "Adam" has no validation curve/);
  assert.throws(() => epochsToTarget(h, NaN), /target must be a finite number/);
});

test("a race with a winner, a tie behind it, and a run that never reached the target", () => {
  const runs = {
    SGD: history([0.3, 0.6, 0.8, 0.9]),
    "SGD + momentum": history([0.5, 0.9, 0.96, 0.97]),
    RMSProp: history([0.6, 0.95, 0.96, 0.97]),
    Adam: history([0.96, 0.97, 0.98, 0.98]),
  };
  assert.deepEqual(
    optimizerRace(runs, 0.95).map((e) => [e.name, e.epochs]),
    [
      ["Adam", 1],
      ["RMSProp", 2],
      ["SGD + momentum", 3],
      ["SGD", null],
    ],
  );
  assert.equal(
    describeRace(runs, 0.95),
    "Adam reached 95% validation accuracy first, after 1 epoch; then RMSProp (2) and SGD + momentum (3). SGD (best 90%) never did in 4 epochs.",
  );
  const tie = { A: history([0.5, 0.95]), B: history([0.4, 0.96]), C: history([0.97, 0.99]) };
  assert.equal(describeRace({ A: tie.A, B: tie.B }, 0.95), "A and B reached 95% validation accuracy first, both after 2 epochs.");
  assert.equal(
    describeRace({ ...tie, D: history([0.99, 0.99]) }, 0.95),
    "C and D reached 95% validation accuracy first, both after 1 epoch; then A (2) and B (2).",
  );
});

test("a race only one run finished, and one nobody did", () => {
  const runs = { SGD: history([0.5, 0.7, 0.8]), Adam: history([0.8, 0.951, 0.96]), RMSProp: history([0.6, 0.9, 0.93]) };
  assert.equal(
    describeRace(runs, 0.95),
    "Only Adam reached 95% validation accuracy, after 2 epochs. SGD (best 80%) and RMSProp (best 93%) never did in 3 epochs.",
  );
  assert.equal(describeRace({ SGD: runs.SGD, RMSProp: runs.RMSProp }, 0.95), "No run reached 95% validation accuracy; the closest was RMSProp at 93%.");
  // Runs of different lengths say how long each trained.
  assert.equal(
    describeRace({ ...runs, long: history([0.5, 0.6, 0.7, 0.8, 0.85]) }, 0.95),
    "Only Adam reached 95% validation accuracy, after 2 epochs. SGD (best 80% in 3 epochs), RMSProp (best 93% in 3 epochs) and long (best 85% in 5 epochs) never did.",
  );
  assert.equal(
    describeRace({ a: history([0.3, 0.05], "mse"), b: history([0.2, 0.1], "mse") }, 0.08),
    "Only a reached a validation mse of 0.0800, after 2 epochs. b (best 0.100) never did in 2 epochs.",
  );
  assert.throws(() => describeRace({}, 0.9), /needs at least one run/);
});
