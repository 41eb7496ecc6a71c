// The frame every exercise check runs in: named checks that pass or fail on their own,
// the learner's code called so that whatever it throws becomes a failed check with its
// message (never a crash of the grader), and a printed report with a throw at the end.
import { ExerciseError, ExerciseReport, CheckResult, formatReport } from "./report";
import { EngineUses, inLearnerCode, watchEngine } from "./engine_watch";

/** Fails the current check with what went wrong and, when known, the likely cause. */
export class CheckFailure extends Error {
  constructor(
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(detail);
  }
}

/** Something the learner's code threw, with the method it came from. */
export class LearnerThrew extends Error {
  constructor(
    readonly where: string,
    readonly thrown: unknown,
  ) {
    super(`${where} threw ${describeThrown(thrown)}`);
  }
}

/** Runs learner code; what it throws is re-thrown as LearnerThrew naming `where`. */
export function learner<T>(where: string, f: () => T): T {
  try {
    return inLearnerCode(where, f);
  } catch (err) {
    throw new LearnerThrew(where, err);
  }
}

export interface GradeOptions {
  /** Seed of the random shapes and values. Default 0. */
  seed?: number;
}

export interface CheckOptions extends GradeOptions {
  /** Where the report goes. Default console.log; null prints nothing. */
  log?: ((text: string) => void) | null;
}

/** Worst errors seen over a check's cases, for the line of a passed check. */
export class ErrorStats {
  maxAbs = 0;
  rel = 0;
  count = 0;

  add(maxAbs: number, rel: number): void {
    this.maxAbs = Math.max(this.maxAbs, maxAbs);
    this.rel = Math.max(this.rel, rel);
    this.count++;
  }

  describe(): string {
    return this.count === 0 ? "" : `max abs err ${sci(this.maxAbs)}, rel err ${sci(this.rel)}`;
  }
}

/** The learner methods graded by hand, and the engine's counterpart they must not hand the work to. */
export interface HandWritten {
  /** As the grader names them, e.g. ["Linear.forward", "Linear.backward"]. */
  methods: readonly string[];
  /** What the exercise has the learner write, as the engine names it, e.g. "nn.Linear". */
  engine: string;
  /**
   * False where the checks must not watch the engine's layers and kernels (E0: the learner's
   * checker runs the engine's layers on purpose) and the exercise reports uses itself, through
   * noteEngineUse. Default true.
   */
  watchEngine?: boolean;
}

export class Grader {
  private readonly results: CheckResult[] = [];
  private readonly started = performance.now();
  private readonly seen: EngineUses = { uses: new Map() };

  /** With `handWritten`, every check watches those methods for calls to the engine's layers, losses, SGD and kernels. */
  constructor(
    readonly title: string,
    readonly cases: string,
    private readonly handWritten?: HandWritten,
  ) {}

  /** Runs one named check; it passes unless `body` throws. Its return value, if any, is the detail line. */
  check(name: string, body: (stats: ErrorStats) => string | void): boolean {
    const stats = new ErrorStats();
    try {
      const own = this.handWritten;
      const note = own === undefined || own.watchEngine === false ? body(stats) : watchEngine(own.methods, this.seen, () => body(stats));
      this.results.push({ name, passed: true, detail: note ?? stats.describe() });
      return true;
    } catch (err) {
      this.results.push({ name, passed: false, ...explain(err) });
      return false;
    }
  }

  /** Like check, but only when every check named in `after` passed; else a failed "not run" line. */
  checkAfter(after: readonly string[], name: string, body: (stats: ErrorStats) => string | void): boolean {
    const blocking = this.results.filter((r) => after.includes(r.name) && !r.passed);
    if (blocking.length === 0) return this.check(name, body);
    const stub = blocking.find((r) => r.notImplemented !== undefined)?.notImplemented;
    this.results.push({
      name,
      passed: false,
      detail: `not run until "${blocking.map((r) => r.name).join('" and "')}" passes`,
      hint: stub === undefined ? "fix the check named here first; this one runs once it passes" : undefined,
      notImplemented: stub,
    });
    return false;
  }

  /**
   * True when `value` is a function (or class); otherwise records a failed check saying what
   * was passed instead and the right call, e.g. "checkSGD(SGD)".
   */
  requireFunction(value: unknown, name: string, call: string): boolean {
    if (typeof value === "function") return true;
    const got = value === null || value === undefined ? String(value) : `${typeof value} ${String(value)}`;
    this.results.push({
      name: `${name} is a ${/^[A-Z]/.test(name) ? "class" : "function"}`,
      passed: false,
      detail: `got ${got}`,
      hint: `pass it itself: ${call}`,
    });
    return false;
  }

  /** Records that graded method `method` used the engine's `name` (for exercises that watch by other means). */
  noteEngineUse(method: string, name: string): void {
    if (!this.handWritten?.methods.includes(method)) return;
    this.seen.uses.set(method, (this.seen.uses.get(method) ?? new Set<string>()).add(name));
  }

  /** Everything checked so far, with the time since the grader was made. */
  report(): ExerciseReport {
    const delegated = this.delegation();
    const results = delegated === null ? [...this.results] : [...this.results, delegated];
    return {
      title: this.title,
      cases: this.cases,
      results,
      passed: results.every((r) => r.passed),
      seconds: (performance.now() - this.started) / 1000,
    };
  }

  /**
   * A failed check when a graded method called the engine's own layer, loss, SGD or kernel;
   * null otherwise. (Only a failure gets a line: a stub calls nothing, and correct code sees
   * the same report as before this check existed.)
   */
  private delegation(): CheckResult | null {
    const own = this.handWritten;
    if (own === undefined || this.seen.uses.size === 0) return null;
    const calls = own.methods.filter((m) => this.seen.uses.has(m)).map((m) => `${m} uses the engine's own ${listed([...this.seen.uses.get(m)!])}`);
    if (own.watchEngine === false) {
      return {
        name: `written by hand, not handed to ${own.engine}`,
        passed: false,
        detail: calls.join("; "),
        hint: `write the computation yourself with get/set (or .data), new nn.Matrix and plain loops: ${own.engine} is what your code is checked against, so it cannot stand in for it`,
      };
    }
    return {
      name: `written by hand, not handed to ${own.engine} or nn.kernels`,
      passed: false,
      detail: calls.join("; "),
      hint: `write the computation yourself with get/set (or .data), new nn.Matrix and plain loops: ${own.engine} and the kernels are what your code is checked against, so they cannot stand in for it`,
    };
  }
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Where reports go: options.log, console.log when it is not given, nothing when it is null. */
export function reportLog(options: CheckOptions): ((text: string) => void) | null {
  return options.log === undefined ? console.log : options.log;
}

/**
 * Prints a report (the whole of it, failures and all), runs `then` (e.g. to show charts of
 * what was graded), and throws an ExerciseError if a check failed.
 */
export function announce(report: ExerciseReport, options: CheckOptions = {}, then?: () => void): void {
  const log = reportLog(options);
  log?.(formatReport(report));
  then?.();
  if (!report.passed) throw new ExerciseError(report);
}

/** The result fields of a failed check, from what its body threw. */
function explain(err: unknown): Omit<CheckResult, "name" | "passed"> {
  if (err instanceof CheckFailure) return { detail: err.detail, hint: err.hint };
  if (err instanceof LearnerThrew) {
    const message = err.thrown instanceof Error ? err.thrown.message : String(err.thrown);
    if (/not implemented/i.test(message)) return { detail: err.message, notImplemented: stubMessage(message, err.where) };
    return { detail: err.message, hint: `the error was thrown inside your ${err.where}; call it on a small input to see where` };
  }
  // Not the learner's code: a bug in this grader. Say so rather than blame the learner.
  return { detail: `the grader itself failed: ${describeThrown(err)}`, hint: "please report this as a bug in nnfs's exercises" };
}

/**
 * A stub's message that names what is not implemented: "not implemented: Linear.forward".
 * The project's stubs carry their label; nbgrader's stub (one text for every region,
 * `throw new Error("not implemented")`) does not, so the method that threw names it.
 */
function stubMessage(message: string, where: string): string {
  return /not implemented:\s*\S/i.test(message) ? message : `not implemented: ${where}`;
}

function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return typeof thrown === "string" ? JSON.stringify(thrown) : String(thrown);
}

/** A number in short scientific notation, e.g. 3.1e-12. */
export function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1) : String(x);
}
