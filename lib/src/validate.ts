// Checks for user-supplied hyper-parameters. Each message names the parameter, the value
// it got and what is allowed, because that is what a user needs to fix the call.
import { ConfigError } from "./errors";

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return String(value);
}

function fail(name: string, value: unknown, allowed: string): never {
  throw new ConfigError(`${name} must be ${allowed} (got ${show(value)})`);
}

/** A finite number > 0, e.g. a learning rate. */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    fail(name, value, "a finite number > 0");
  }
  return value;
}

/** A finite number >= 0, e.g. weight decay. */
export function checkNonNegative(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    fail(name, value, "a finite number >= 0");
  }
  return value;
}

/** A number strictly between 0 and 1, e.g. a validation fraction or a momentum. */
export function checkOpenUnit(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0 && value < 1)) {
    fail(name, value, "a number strictly between 0 and 1");
  }
  return value;
}

/** An integer >= min (default 1), e.g. a batch size or a layer width. */
export function checkInt(name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(name, value, `an integer >= ${min}`);
  }
  return value;
}

/** Any integer (e.g. a seed); seeds are reduced to 32 bits by the RNG. */
export function checkSeed(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    fail(name, value, "a safe integer");
  }
  return value;
}

/** A list of integers >= 1, e.g. hidden-layer widths; `allowEmpty` for "no hidden layer". */
export function checkWidths(name: string, value: unknown, allowEmpty: boolean): number[] {
  const ok = Array.isArray(value) && (allowEmpty || value.length > 0) && value.every((w) => typeof w === "number" && Number.isInteger(w) && w >= 1);
  if (!ok) {
    fail(name, value, `a ${allowEmpty ? "" : "non-empty "}list of integers >= 1, e.g. [64, 64]`);
  }
  return value as number[];
}

/** One of a fixed set of names, e.g. an activation. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}

/** A boolean flag. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(name, value, "true or false");
  return value;
}

/** Rejects fields a config does not know (a typo like `hiddenDim` would otherwise be ignored). */
export function checkKnownKeys(what: string, config: object, allowed: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${what} has no field ${JSON.stringify(key)}; known fields: ${allowed.join(", ")}`);
    }
  }
}
