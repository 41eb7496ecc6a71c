// A short sample of the fuzz campaign (npm run fuzz runs 10,000 cases per format): every
// damaged IDX, safetensors, NPY and NPZ file loads a valid object or is refused with a
// DataError naming the file, within 1 s. Also: the runner really counts what should fail.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DataError } from "../src";
import { FUZZ_TARGETS, FuzzTarget, runCase, runFuzz } from "./fuzz";

const CASES = 300;
// Seeds far from the campaign's (1..10000), so the sample adds cases instead of repeating them.
const SEED = 500_000;

for (const [format, makeTarget] of Object.entries(FUZZ_TARGETS)) {
  test(`fuzz ${format}: ${CASES} damaged files load validly or are refused naming the file`, () => {
    const target = makeTarget();
    try {
      const report = runFuzz(target, { cases: CASES, seed: SEED });
      const failures = report.failures.map((f) => `seed ${f.seed} (${f.label}): ${f.detail}`).join("\n");
      assert.equal(report.failed, 0, `failed cases:\n${failures}`);
      // Both outcomes occur, so the cases are neither all garbage nor all intact.
      assert.ok(report.refused > CASES / 2, `only ${report.refused} refused`);
      assert.ok(report.loaded > 0, "no case loaded");
    } finally {
      target.close();
    }
  });
}

test("fuzz: gzip and zip bombs are in the sample and are refused quickly", () => {
  for (const format of ["IDX gzip", "NPZ"]) {
    const target = FUZZ_TARGETS[format]();
    try {
      let bombs = 0;
      let refused = 0;
      for (let seed = SEED; seed < SEED + CASES; seed++) {
        const result = runCase(target, seed);
        if (!/bomb/.test(result.label)) continue;
        bombs++;
        // A bomb in an entry that is not an array (x.bin) is skipped unread, so it may load.
        assert.notEqual(result.outcome, "failed", `${format} seed ${seed} (${result.label}): ${result.detail}`);
        if (result.outcome === "refused") refused++;
      }
      assert.ok(bombs >= 3 && refused >= 2, `${format}: ${bombs} bombs in ${CASES} cases, ${refused} refused`);
    } finally {
      target.close();
    }
  }
});

/** A target whose single case does what `load` does, for checking the runner itself. */
function fakeTarget(load: () => void): FuzzTarget {
  return { format: "fake", make: () => ({ label: "fake", files: ["/tmp/fake.bin"], load }), close: () => undefined };
}

test("fuzz runner: a foreign exception, an unnamed DataError and a slow case all count as failed", () => {
  const outcome = (load: () => void, maxMs?: number) => runCase(fakeTarget(load), 1, maxMs);
  assert.equal(outcome(() => undefined).outcome, "loaded");
  assert.equal(
    outcome(() => {
      throw new DataError("/tmp/fake.bin: damaged");
    }).outcome,
    "refused",
  );
  const foreign = outcome(() => {
    throw new RangeError("Invalid typed array length: 4294967295");
  });
  assert.equal(foreign.outcome, "failed");
  assert.match(foreign.detail, /RangeError/);
  assert.equal(
    outcome(() => {
      throw new DataError("damaged, but which file?");
    }).outcome,
    "failed",
  );
  const slow = outcome(() => {
    const until = Date.now() + 30;
    while (Date.now() < until);
  }, 10);
  assert.equal(slow.outcome, "failed");
  assert.match(slow.detail, /limit 10 ms/);
});
