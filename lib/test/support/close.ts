// The tests' one element-wise comparator: every entry of `actual` within `tol` of `expected`.
import * as assert from "node:assert/strict";

export interface CloseOptions {
  /** Scale the tolerance by max(1, |actual|), for values of any size (float32 kernels). Default: absolute. */
  relative?: boolean;
  /** NaN in both counts as equal (kernels must agree on NaN too). Default: NaN never matches. */
  nanEqual?: boolean;
}

/** Asserts |actual[i] − expected[i]| ≤ tol (× max(1, |actual[i]|) when relative) for every i, lengths equal. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string, options: CloseOptions = {}): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const bothNaN = options.nanEqual === true && Number.isNaN(a) && Number.isNaN(e);
    const bound = options.relative === true ? tol * Math.max(1, Math.abs(a)) : tol;
    assert.ok(bothNaN || Math.abs(a - e) <= bound, `${what}[${i}]: ${a} vs ${e} (difference ${Math.abs(a - e)})`);
  }
}
