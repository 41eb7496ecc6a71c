// Runs seeded fuzz cases against a reader and sorts each into loaded (a valid object),
// refused (a DataError naming the file) or failed: any other exception, a refusal that
// does not name the file, an invalid object, or a case slower than the time limit.
import { performance } from "perf_hooks";
import { DataError } from "../../src/errors";

/** One damaged (or intact) file and how to read it. */
export interface FuzzCase {
  /** What was done to the valid file, e.g. "flip bit 3 of byte 12". */
  label: string;
  /** The files the case wrote or named: a refusal must name one of them. */
  files: string[];
  /** Reads the case; returns only if it loaded an object that passed the validity checks. */
  load(): void;
}

/** A reader under test with its case generator. */
export interface FuzzTarget {
  format: string;
  /** The case of one seed: the same seed always gives the same bytes. */
  make(seed: number): FuzzCase;
  /** Removes the target's scratch files. */
  close(): void;
}

/** Thrown by a case's load when the reader returned an object that is not valid. */
export class InvalidObject extends Error {
  override name = "InvalidObject";
}

export type Outcome = "loaded" | "refused" | "failed";

export interface CaseResult {
  seed: number;
  label: string;
  outcome: Outcome;
  ms: number;
  /** For a refusal: the message's kind (see refusalKind); for a failure: what went wrong. */
  detail: string;
}

export interface FuzzReport {
  format: string;
  cases: number;
  loaded: number;
  refused: number;
  failed: number;
  /** Refusals by kind of message. */
  refusals: Record<string, number>;
  /** The failed cases (the first `keepFailures`), each reproducible from its seed. */
  failures: CaseResult[];
  slowest: CaseResult | null;
  totalMs: number;
}

export interface FuzzOptions {
  cases: number;
  /** Case i has seed `seed + i`. */
  seed: number;
  /** A case slower than this fails. Default 1000 ms. */
  maxMs?: number;
  /** How many failures to keep in the report. Default 20. */
  keepFailures?: number;
}

/**
 * A refusal message with what varies taken out (file names, numbers, quoted text, tensor
 * and entry names), so that refusals can be counted by kind.
 */
export function refusalKind(message: string, files: string[]): string {
  let m = message;
  for (const f of files) m = m.split(f).join("");
  return m
    .replace(/^[:\s]+/, "")
    .replace(/^[^\s:]*\.npy: /, "<entry>: ")
    .replace(/\b(tensor|entry|string|stored entry) (?!data\b)\S+/g, "$1 …")
    .replace(/"[^"]*"|'[^']*'/g, "…")
    .replace(/\b(?=[0-9]*[a-f])[0-9a-f]{12,}\b/g, "<hex>")
    .replace(/\d+/g, "#")
    .split(";")[0]
    .trim()
    .slice(0, 90);
}

/** Makes and reads the case of one seed. */
export function runCase(target: FuzzTarget, seed: number, maxMs = 1000): CaseResult {
  const c = target.make(seed);
  const start = performance.now();
  let outcome: Outcome = "loaded";
  let detail = "";
  try {
    c.load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof DataError && c.files.some((f) => message.includes(f))) {
      outcome = "refused";
      detail = refusalKind(message, c.files);
    } else {
      outcome = "failed";
      detail = err instanceof DataError ? `DataError without the file name: ${message}` : `${err instanceof Error ? err.name : typeof err}: ${message}`;
    }
  }
  const ms = performance.now() - start;
  if (outcome !== "failed" && ms > maxMs) {
    outcome = "failed";
    detail = `took ${ms.toFixed(0)} ms (limit ${maxMs} ms)`;
  }
  return { seed, label: c.label, outcome, ms, detail: detail.slice(0, 500) };
}

/** Runs `cases` seeded cases and counts the outcomes. */
export function runFuzz(target: FuzzTarget, options: FuzzOptions): FuzzReport {
  const report: FuzzReport = { format: target.format, cases: 0, loaded: 0, refused: 0, failed: 0, refusals: {}, failures: [], slowest: null, totalMs: 0 };
  const start = performance.now();
  for (let i = 0; i < options.cases; i++) {
    const result = runCase(target, options.seed + i, options.maxMs);
    report.cases++;
    report[result.outcome]++;
    if (result.outcome === "refused") report.refusals[result.detail] = (report.refusals[result.detail] ?? 0) + 1;
    if (result.outcome === "failed" && report.failures.length < (options.keepFailures ?? 20)) report.failures.push(result);
    if (report.slowest === null || result.ms > report.slowest.ms) report.slowest = result;
  }
  report.totalMs = performance.now() - start;
  return report;
}
