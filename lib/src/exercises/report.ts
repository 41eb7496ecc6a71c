// What a grader run produces: one line per check (passed or failed, with numbers), a
// hint for the likely cause of a failure, and an ExerciseError that names the failed
// checks, thrown after everything was printed so a headless run fails on it.

export interface CheckResult {
  /**
   * What was checked and where it lives, e.g. "backward: dW (this.weight.grad)"; never a gradient
   * or update formula, which the lessons ask the learner to derive (a hint may give it after a wrong value).
   */
  name: string;
  passed: boolean;
  /** Numbers: errors when it passed; which case and how far off when it failed. */
  detail: string;
  /** The likely cause of a failure, in words. */
  hint?: string;
  /** Set when the learner's code threw a "not implemented" stub. */
  notImplemented?: string;
}

export interface ExerciseReport {
  /** e.g. "E1 · Linear". */
  title: string;
  /** The cases the checks ran on, e.g. "N×in→out: 4×3→5, …". */
  cases: string;
  results: CheckResult[];
  passed: boolean;
  seconds: number;
}

/** Thrown by a check after its report was printed; `report` holds every result. */
export class ExerciseError extends Error {
  override name = "ExerciseError";
  declare readonly report: ExerciseReport;

  constructor(report: ExerciseReport) {
    super(failureMessage(report));
    // Not enumerable, so a notebook shows the message and not a dump of the report.
    Object.defineProperty(this, "report", { value: report, enumerable: false });
    // tslab prints a thrown error's stack, and Node prefixes it with the source line of the
    // throw: both would point inside the grader. The message is what helps, so the stack is
    // the message, and the setter drops Node's prefix.
    const text = `${this.name}: ${this.message}`;
    Object.defineProperty(this, "stack", { get: () => text, set: () => undefined, enumerable: false, configurable: true });
  }
}

/** The text a check prints: a title line, one line per check, hints indented under failures. */
export function formatReport(report: ExerciseReport): string {
  const width = Math.max(...report.results.map((r) => r.name.length));
  const lines = [`${report.title} — ${report.cases}`];
  for (const r of report.results) {
    if (r.passed) {
      lines.push(`  ✓ ${r.name.padEnd(width)}  ${r.detail}`);
    } else {
      lines.push(`  ✗ ${r.name}`, `      ${r.detail}`);
      if (r.hint) lines.push(`      hint: ${r.hint}`);
    }
  }
  lines.push(summaryLine(report));
  return lines.join("\n");
}

/** "Linear: all 9 checks passed (0.01 s)" or "Linear: 2 of 9 checks failed (0.01 s)". */
export function summaryLine(report: ExerciseReport): string {
  const failed = report.results.filter((r) => !r.passed).length;
  const time = `${report.seconds.toFixed(2)} s`;
  return failed === 0
    ? `${report.title}: all ${report.results.length} checks passed (${time})`
    : `${report.title}: ${failed} of ${report.results.length} checks failed (${time})`;
}

function failureMessage(report: ExerciseReport): string {
  const failed = report.results.filter((r) => !r.passed);
  if (failed.length > 0 && failed.every((r) => r.notImplemented !== undefined)) {
    const stubs = [...new Set(failed.map((r) => r.notImplemented))];
    return `${report.title}: ${stubs.join("; ")}. Write the code where it says YOUR CODE HERE, run that cell, then run this check again.`;
  }
  return `${report.title}: ${failed.length} of ${report.results.length} checks failed: ${failed.map((r) => r.name).join("; ")}. The report above says by how much and the likely cause.`;
}
