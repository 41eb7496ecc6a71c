// Finished grid runs kept on disk, so a grid search that is interrupted (a stopped kernel,
// a crash, a power cut) resumes where it stopped instead of training every run again.
// A run is kept under a key made of everything that decides its result: its config, the
// SHA-256 of the training and validation data, the engine's compiled training code, and the backend
// and thread count (OpenBLAS sums in another order with another thread count). Same key,
// same result bit for bit, so a resumed grid gives the table and checkpoints of an
// uninterrupted one. Each run is one file written atomically: it is there whole or not at all.
// Layout: <dir>/engine-<hash>/<key>.safetensors (weights, row and history) or <key>.json (a diverged run).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import { writeFileAtomic } from "../paths";
import { backendStatus } from "../kernels/backend";
import { loadCheckpoint, saveAutoencoder } from "../io/checkpoint";
import { trainingCodeHash } from "./engine_hash";
import type { History } from "../training_history";
import type { Autoencoder } from "../models/autoencoder";

/** Where finished runs are kept, and whether to ignore what is there (a fresh start). */
export interface GridCacheOptions {
  dir: string;
  /** Train every run again (finished runs found on disk are replaced, not reused). */
  fresh?: boolean;
}

/**
 * The settings of a run, as plain JSON: all that decides its result. An absent dropout
 * means 0. (`object &` lets a config without a dropout field through as well.)
 */
export type RunConfig = object & { dropout?: number };

/** A row of results, as plain JSON; one kept before the grid had a dropout column reads as dropout 0. */
export type ResultRow = object & { dropout?: number };

/** A finished run: its row of results, its history and its model (both null when it diverged). */
export interface KeptRun<Row extends ResultRow> {
  row: Row;
  history: History | null;
  model: Autoencoder | null;
}

let engineHash: string | null = null;

/** SHA-256 of the compiled code a training run executes (see engine_hash.ts): a change to any layer, loss, optimiser, the trainer or a kernel is a new engine. */
export function engineVersion(): string {
  if (engineHash === null) engineHash = trainingCodeHash(path.resolve(__dirname, ".."));
  return engineHash;
}

/** SHA-256 of matrices' shapes, dtypes and bytes. */
export function dataChecksum(...matrices: Matrix[]): string {
  const hash = createHash("sha256");
  for (const m of matrices) {
    hash.update(`${m.rows}x${m.cols} ${m.dtype}\0`);
    hash.update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  }
  return hash.digest("hex");
}

/** Sorts object keys, so two equal configs give the same JSON whatever order they were written in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The grid's store of finished runs under one folder. */
export class GridCache<Row extends ResultRow = ResultRow> {
  private readonly dataHash: string;
  /** One subfolder per engine version: runs of an older engine can never be reused, so they are removed. */
  private readonly runsDir: string;

  constructor(
    private readonly options: GridCacheOptions,
    train: Matrix,
    val: Matrix,
  ) {
    this.dataHash = dataChecksum(train, val);
    const engine = engineVersion().slice(0, 16);
    this.runsDir = path.join(options.dir, `engine-${engine}`);
    if (fs.existsSync(options.dir)) {
      for (const name of fs.readdirSync(options.dir)) {
        if (name.startsWith("engine-") && name !== `engine-${engine}`) fs.rmSync(path.join(options.dir, name), { recursive: true, force: true });
      }
    }
  }

  /** The key of a run: what decides its result, hashed. */
  key(config: RunConfig): string {
    const backend = backendStatus();
    // Dropout decides the result too; absent means 0, so both spellings of "none" share a key.
    // The BLAS library's version as well as its kernel: two OpenBLAS releases running the same
    // kernel may still sum in other orders.
    const what = {
      config: canonical({ ...config, dropout: config.dropout ?? 0 }),
      data: this.dataHash,
      engine: engineVersion(),
      backend: backend.name,
      kernel: backend.kernel?.core ?? null,
      blas: backend.library?.version ?? null,
      // Every run trains with one BLAS thread (runJobs), whatever NNFS_THREADS says.
      threads: 1,
    };
    return createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 32);
  }

  private file(key: string, ext: "safetensors" | "json"): string {
    return path.join(this.runsDir, `${key}.${ext}`);
  }

  /**
   * The finished run of this config, or null (none kept, a fresh start, or the file is
   * damaged: then it says so and the run trains again).
   */
  find(config: RunConfig): KeptRun<Row> | null {
    if (this.options.fresh) return null;
    const key = this.key(config);
    const weights = this.file(key, "safetensors");
    const diverged = this.file(key, "json");
    try {
      if (fs.existsSync(weights)) {
        const { model, metadata } = loadCheckpoint(weights);
        return { row: withDropout(JSON.parse(metadata.grid_row) as Row), history: JSON.parse(metadata.grid_history) as History, model };
      }
      if (fs.existsSync(diverged)) {
        return { row: withDropout(JSON.parse(fs.readFileSync(diverged, "utf8")).row as Row), history: null, model: null };
      }
    } catch (err) {
      if (!(err instanceof DataError) && !(err instanceof SyntaxError)) throw err;
      console.warn(`a kept grid run could not be read, training it again: ${err.message}`);
    }
    return null;
  }

  /** Keeps a finished run (one file, written atomically). Runs whose numbers JSON cannot hold exactly are not kept. */
  keep(config: RunConfig, run: KeptRun<Row>): void {
    if (run.model === null) {
      writeFileAtomic(this.file(this.key(config), "json"), JSON.stringify({ row: run.row }, null, 1) + "\n");
      return;
    }
    if (run.model.config.dtype !== "float32" || !allFinite(run.history)) return;
    saveAutoencoder(run.model, this.file(this.key(config), "safetensors"), {
      grid_row: JSON.stringify(run.row),
      grid_history: JSON.stringify(run.history),
    });
  }
}

/** A row kept before the grid had a dropout column had no dropout: it reads as 0. */
function withDropout<Row extends ResultRow>(row: Row): Row {
  return { ...row, dropout: row.dropout ?? 0 };
}

function allFinite(history: History | null): boolean {
  if (history === null) return false;
  return Object.values(history).every((v) => !Array.isArray(v) || v.every((x) => typeof x !== "number" || Number.isFinite(x)));
}
