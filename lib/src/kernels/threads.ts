// How many threads the kernels use: NNFS_THREADS when set, else every core the process may
// use (os.availableParallelism). The TypeScript and WebAssembly backends split rows of a
// product over that many threads; OpenBLAS is told the same number.
import * as os from "os";
import { ConfigError } from "../errors";

export function threadCount(env: Record<string, string | undefined> = process.env): number {
  const value = env.NNFS_THREADS;
  if (value === undefined || value === "") return Math.max(1, os.availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ConfigError(`NNFS_THREADS must be an integer from 1 to 256 (got ${JSON.stringify(value)})`);
  return n;
}

/**
 * Splits rows [0, m) into at most `parts` ranges whose starts are multiples of `step`
 * (the micro-kernel's tile height), the first range the largest. Which thread computes a
 * row never changes that row's result: every element is summed in the same order.
 */
export function splitRows(m: number, parts: number, step: number): Array<[number, number]> {
  const tiles = Math.ceil(m / step);
  const count = Math.max(1, Math.min(parts, tiles));
  const ranges: Array<[number, number]> = [];
  let tile = 0;
  for (let t = 0; t < count; t++) {
    const take = Math.ceil((tiles - tile) / (count - t));
    ranges.push([tile * step, Math.min(m, (tile + take) * step)]);
    tile += take;
  }
  return ranges;
}
