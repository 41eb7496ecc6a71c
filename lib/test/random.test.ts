// The seeded generator: reproducible, well spread, and its helpers behave.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng, initWeights } from "../src";

test("the same seed gives the same sequence; different seeds differ", () => {
  const draw = (seed: number): number[] => {
    const r = new Rng(seed);
    return Array.from({ length: 5 }, () => r.uniform());
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  assert.notDeepEqual(draw(0), draw(2 ** 32)); // high bits of the seed count too
});

test("uniform is in [0, 1) with mean 1/2; normal has mean 0 and std 1", () => {
  const r = new Rng(7);
  const n = 200_000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  // 5 standard errors: fails by chance with probability < 1e-6.
  assert.ok(Math.abs(su / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(sn / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(sn2 / n - 1) < 5 * Math.sqrt(2 / n));
});

test("permutation is a shuffle of 0..n-1", () => {
  const p = new Rng(3).permutation(1000);
  assert.deepEqual(
    Array.from(p).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.notDeepEqual(Array.from(p.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("He and Xavier initialisations have the documented spread", () => {
  const he = Array.from(initWeights("he", 400, 300, new Rng(1), "float64").data);
  const std = Math.sqrt(he.reduce((s, w) => s + w * w, 0) / he.length);
  assert.ok(Math.abs(std - Math.sqrt(2 / 400)) / Math.sqrt(2 / 400) < 0.01, `He std ${std}`);
  const xavier = Array.from(initWeights("xavier", 400, 300, new Rng(1), "float64").data);
  const bound = Math.sqrt(6 / 700);
  assert.ok(xavier.every((w) => Math.abs(w) <= bound));
  assert.ok(Math.max(...xavier) > 0.99 * bound);
});

test("state() and setState() continue a sequence exactly, a cached normal included; a bad state is refused", () => {
  const a = new Rng(7);
  a.normal(); // leaves the second normal of the pair cached
  const saved = a.state();
  const next = [a.normal(), a.uniform(), a.nextUint32()];
  const b = new Rng(123);
  b.setState(saved);
  assert.deepEqual([b.normal(), b.uniform(), b.nextUint32()], next);
  assert.throws(() => b.setState([1, 2, 3]), /four 32-bit unsigned words/);
  assert.throws(() => b.setState([1, 2, 3, 2 ** 32, Number.NaN]), /four 32-bit unsigned words/);
});

test("fillMask draws exactly what uniform() would, entry by entry, and leaves the generator where uniform() would", () => {
  for (const [seed, p, n] of [
    [0, 0.2, 1000],
    [12345, 0.5, 777],
    [2 ** 40 + 3, 0.99, 64],
  ] as const) {
    const a = new Rng(seed);
    const b = new Rng(seed);
    a.uniform(); // not at the start of the sequence
    b.uniform();
    const expected = Float64Array.from({ length: n }, () => (a.uniform() < p ? 0 : 1 / (1 - p)));
    for (const out of [new Float64Array(n), new Float32Array(n)]) {
      const c = new Rng(0);
      c.setState(b.state());
      c.fillMask(out, p, 1 / (1 - p));
      assert.deepEqual(Array.from(out), Array.from(out instanceof Float32Array ? Float32Array.from(expected) : expected), `seed ${seed}, p ${p}`);
      assert.deepEqual(c.state(), a.state(), "the same state after");
    }
  }
});
