// The lessons' self-checks: a fixed tiny input the learner's code runs on before the graded
// check, each value printed beside the one it should be. Not a grade: a mismatch is shown,
// not thrown (the graded check below says why), and a stub's "not implemented" is said, not
// thrown, so "Run All" still reaches the graded check.
import { Matrix } from "../tensor";

/** Compares one value the learner's code gave with the expected one and prints both. */
export type Expect = (label: string, got: unknown, expected: number | number[][]) => boolean;

export interface SelfCheckOptions {
  /** Where the lines go. Default console.log. */
  log?: (text: string) => void;
}

/**
 * Runs `body` and prints "✓ label  got …" or "✗ label  got …  expected …" for each
 * `expect` it makes. A "not implemented" error from a stub ends it with a line saying what
 * is not written yet; any other error is the learner's to see and is thrown.
 */
export function selfCheck(title: string, body: (expect: Expect) => void, options: SelfCheckOptions = {}): void {
  const log = options.log ?? console.log;
  let agree = 0;
  let total = 0;
  const expect: Expect = (label, got, expected) => {
    total++;
    const ok = matches(got, expected);
    if (ok) agree++;
    log(ok ? `  ✓ ${label}  ${show(got)}` : `  ✗ ${label}  got ${show(got)}\n      expected ${show(expected)}`);
    return ok;
  };
  log(`Self-check: ${title}`);
  try {
    body(expect);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/not implemented/i.test(message)) throw err;
    log(`  … stopped: ${message}. Write it where it says YOUR CODE HERE, run that cell, then run this one again.`);
    return;
  }
  log(agree === total ? `all ${total} agree` : `${total - agree} of ${total} differ: the check below says by how much and the likely cause`);
}

/** Agreement to 1e-6, relative to the size of the expected value (absolute near 0). */
function matches(got: unknown, expected: number | number[][]): boolean {
  const close = (g: number, e: number): boolean => Math.abs(g - e) <= 1e-6 * Math.max(1, Math.abs(e));
  if (typeof expected === "number") return typeof got === "number" && close(got, expected);
  if (!(got instanceof Matrix) || got.rows !== expected.length || got.cols !== (expected[0]?.length ?? 0)) return false;
  return expected.every((row, i) => row.every((e, j) => close(got.get(i, j), e)));
}

function show(v: unknown): string {
  if (typeof v === "number") return num(v);
  if (v instanceof Matrix)
    return `[${v
      .toRows()
      .map((r) => `[${r.map(num).join(", ")}]`)
      .join(", ")}]`;
  if (Array.isArray(v) && v.every(Array.isArray)) return `[${(v as number[][]).map((r) => `[${r.map(num).join(", ")}]`).join(", ")}]`;
  return v === undefined || v === null ? String(v) : `${typeof v} (not an nn.Matrix)`;
}

/** 6 decimals at most; tiny values in scientific notation, so 1e-17 does not print as 0. */
function num(x: number): string {
  if (x !== 0 && Math.abs(x) < 1e-4 && Number.isFinite(x)) return x.toExponential(1);
  return String(Number(x.toFixed(6)));
}
