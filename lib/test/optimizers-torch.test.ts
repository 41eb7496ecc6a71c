// The optimisers against torch.optim's own updates, from the project venv's Python
// (scripts/test/torch_optim_reference.py), in float64 over 6 steps: within 1e-12.
// Slow only by torch's import (seconds); skipped without torch outside CI, failed under CI=true.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "path";
import { Adam, Matrix, Momentum, RMSProp, Rng, makeParam, projectPath } from "../src";
import type { Optimizer, Param } from "../src";
import { PYTHON, missing } from "./support/requirements";

/** Steps `optimizer` through `grads` and returns the final param values. */
function runSteps(optimizer: Optimizer, params: Param[], grads: number[][][]): number[][] {
  for (const step of grads) {
    params.forEach((p, k) => p.grad.data.set(step[k]));
    optimizer.step(params);
  }
  return params.map((p) => [...p.value.data]);
}

test("torch.optim gives the same updates (SGD momentum/Nesterov, RMSprop, Adam, AdamW) to 1e-12", (t) => {
  const rng = new Rng(21);
  const values = (n: number): number[] => Array.from({ length: n }, () => rng.normal());
  const shapes: Array<[number, number, boolean]> = [
    [3, 4, true],
    [1, 4, false],
  ];
  const start = shapes.map(([r, c]) => values(r * c));
  const grads = Array.from({ length: 6 }, () => shapes.map(([r, c]) => values(r * c)));
  const cases: Array<{ what: string; make: () => Optimizer; torch: string; options: Record<string, unknown>; wd: number }> = [
    { what: "Momentum", make: () => new Momentum({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 }), torch: "SGD", options: { lr: 0.1, momentum: 0.9 }, wd: 0.01 },
    {
      what: "Momentum dampening",
      make: () => new Momentum({ lr: 0.05, momentum: 0.8, dampening: 0.1, weightDecay: 0.02 }),
      torch: "SGD",
      options: { lr: 0.05, momentum: 0.8, dampening: 0.1 },
      wd: 0.02,
    },
    {
      what: "Nesterov",
      make: () => new Momentum({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
      torch: "SGD",
      options: { lr: 0.1, momentum: 0.9, nesterov: true },
      wd: 0.01,
    },
    {
      what: "RMSProp",
      make: () => new RMSProp({ lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0.01 }),
      torch: "RMSprop",
      options: { lr: 0.01, alpha: 0.9, eps: 1e-8 },
      wd: 0.01,
    },
    { what: "Adam", make: () => new Adam({ lr: 0.01, weightDecay: 0.01 }), torch: "Adam", options: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8 }, wd: 0.01 },
    {
      what: "AdamW",
      make: () => new Adam({ lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: true }),
      torch: "AdamW",
      options: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6 },
      wd: 0.1,
    },
  ];
  const specs = cases.map((c) => ({
    optimizer: c.torch,
    options: c.options,
    weight_decay: c.wd,
    params: shapes.map(([, , decay], k) => ({ value: start[k], decay })),
    grads,
  }));
  const script = path.join(projectPath("scripts", "test"), "torch_optim_reference.py");
  // One Python start (importing torch takes seconds): exit status 3 says torch is missing.
  const result = spawnSync(PYTHON, [script], { input: JSON.stringify(specs), encoding: "utf8" });
  if (result.status === 3 || result.error !== undefined) {
    missing(t, `${PYTHON} with torch`, "pip install torch==2.13.0 into the project venv");
    return;
  }
  assert.equal(result.status, 0, result.stderr);
  const reference = JSON.parse(result.stdout) as Array<{ params: number[][] }>;
  cases.forEach((c, n) => {
    const params = shapes.map(([r, cols, decay], k) => makeParam(`p${k}`, Matrix.fromValues(r, cols, start[k], "float64"), decay));
    const actual = runSteps(c.make(), params, grads);
    const expected = reference[n].params.map((p) => p.flat());
    let maxDiff = 0;
    actual.forEach((row, k) => row.forEach((a, i) => (maxDiff = Math.max(maxDiff, Math.abs(a - expected[k][i])))));
    t.diagnostic(`${c.what}: max |nnfs − torch| = ${maxDiff.toExponential(2)}`);
    assert.ok(maxDiff <= 1e-12, `${c.what} vs torch.optim.${c.torch}: max difference ${maxDiff}`);
  });
});
