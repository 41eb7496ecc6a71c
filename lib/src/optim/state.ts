// The per-param state of the optimisers with memory (Momentum's velocity, RMSProp's and
// Adam's moments): one buffer per param and per kind, kept in the param's dtype (as
// PyTorch does), and saved/loaded by name so a resumed run continues exactly.
import { FloatArray, allocate } from "../tensor";
import { ConfigError } from "../errors";
import type { Param } from "../layers";

/** An optimiser's state: buffers keyed "<kind>/<index>/<param name>" (copies) and counters. */
export type OptimizerState = Record<string, Float32Array | Float64Array | number>;

/**
 * What a training checkpoint needs of an optimiser besides step(): its hyper-parameters
 * (checked on resume) and its state. SGD, Momentum, RMSProp and Adam provide these.
 */
export interface ResumableOptimizer {
  config(): Record<string, number | boolean>;
  state(): OptimizerState;
  loadState(state: OptimizerState): void;
}

/** Whether `optimizer` has config(), state() and loadState(). */
export function isResumable(optimizer: object): optimizer is ResumableOptimizer {
  const o = optimizer as Partial<ResumableOptimizer>;
  return typeof o.config === "function" && typeof o.state === "function" && typeof o.loadState === "function";
}

interface Slot {
  name: string;
  buffers: FloatArray[];
}

/**
 * The buffers of `kinds` for each param of a list, created as zeros on the first step.
 * A later step must pass the same params (same names and sizes, in the same order).
 */
export class ParamState {
  private slots: Slot[] | null = null;

  constructor(
    private readonly owner: string,
    private readonly kinds: readonly string[],
  ) {}

  /** Whether a step has created (or loadState has set) the buffers. */
  get started(): boolean {
    return this.slots !== null;
  }

  /** The buffers of every param, in the order of `kinds`; created as zeros on first use. */
  buffersFor(params: readonly Param[]): FloatArray[][] {
    if (this.slots === null) {
      this.slots = params.map((p) => ({ name: p.name, buffers: this.kinds.map(() => allocate(p.value.data.length, p.value.dtype)) }));
    }
    const slots = this.slots;
    if (slots.length !== params.length) {
      throw new ConfigError(`${this.owner}: step got ${params.length} params but its state is for ${slots.length}; use one optimiser per model`);
    }
    params.forEach((p, i) => {
      const s = slots[i];
      if (s.name !== p.name || s.buffers[0].length !== p.value.data.length) {
        throw new ConfigError(
          `${this.owner}: param ${i} is ${p.name} with ${p.value.data.length} values but the state is for ${s.name} with ${s.buffers[0].length}; use one optimiser per model`,
        );
      }
      // The state is kept in the param's dtype (loadState may have been given the other one).
      if (s.buffers[0] instanceof Float64Array !== (p.value.dtype === "float64")) {
        s.buffers = s.buffers.map((b) => (p.value.dtype === "float64" ? Float64Array.from(b) : Float32Array.from(b)));
      }
    });
    return slots.map((s) => s.buffers);
  }

  /** Copies of the buffers, keyed "<kind>/<index>/<param name>". */
  save(into: OptimizerState): OptimizerState {
    for (const [i, s] of (this.slots ?? []).entries()) {
      this.kinds.forEach((kind, k) => (into[`${kind}/${i}/${s.name}`] = s.buffers[k].slice()));
    }
    return into;
  }

  /** Takes the buffers back from `state` (copies); checks that every kind of every param is there. */
  load(state: OptimizerState, counters: readonly string[]): void {
    const slots: Slot[] = [];
    const seen = new Set<string>(counters);
    for (const key of Object.keys(state)) {
      if (seen.has(key)) continue;
      const match = /^([^/]+)\/(\d+)\/(.+)$/.exec(key);
      if (match === null || !this.kinds.includes(match[1])) {
        throw new ConfigError(
          `${this.owner}.loadState: unexpected key ${JSON.stringify(key)} (expected ${this.kinds.map((k) => `"${k}/<index>/<param name>"`).join(" or ")}${counters.length > 0 ? ` or ${counters.map((c) => JSON.stringify(c)).join(", ")}` : ""})`,
        );
      }
      const value = state[key];
      if (typeof value === "number") throw new ConfigError(`${this.owner}.loadState: ${key} must be a Float32Array or Float64Array, got a number`);
      const i = Number(match[2]);
      const slot = (slots[i] ??= { name: match[3], buffers: [] });
      if (slot.name !== match[3]) throw new ConfigError(`${this.owner}.loadState: index ${i} names both ${slot.name} and ${match[3]}`);
      slot.buffers[this.kinds.indexOf(match[1])] = value.slice();
    }
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (slot === undefined) throw new ConfigError(`${this.owner}.loadState: no state for param index ${i}`);
      this.kinds.forEach((kind, k) => {
        const b = slot.buffers[k];
        if (b === undefined) throw new ConfigError(`${this.owner}.loadState: ${kind}/${i}/${slot.name} is missing`);
        if (b.length !== slot.buffers[0].length) throw new ConfigError(`${this.owner}.loadState: the buffers of ${slot.name} differ in length`);
      });
    }
    this.slots = slots.length > 0 ? slots : null;
  }
}

/** A counter of `state`, checked: an integer >= 0. */
export function loadCounter(owner: string, state: OptimizerState, key: string): number {
  const value = state[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${owner}.loadState: ${key} must be an integer >= 0 (got ${typeof value === "number" ? value : typeof value})`);
  }
  return value;
}
