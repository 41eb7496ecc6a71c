// The checkpoints a grid search leaves for the next labs: the best run, the best stable
// L2 run, the best stable dropout run and the best with a 32-number code, each with its training settings and score in
// the file's metadata, so a checkpoint says where it came from.
import { checkpointPath, projectPath } from "../paths";
import { saveAutoencoder } from "../io/checkpoint";
import { AeGridRun, bestRun, describeRun } from "./grid_search";

/** Lab 2A's picks, named as their checkpoints end: `_best`, `_best_reg`, `_best_dropout`, `_k32`. */
// A type, not an interface: it must pass as the Record that saveGridCheckpoints takes.
export type GridPicks = {
  /** The lowest validation MSE of all runs. */
  best: AeGridRun | null;
  /** The best stable run with L2 weight decay > 0. */
  best_reg: AeGridRun | null;
  /** The best stable run with dropout > 0. */
  best_dropout: AeGridRun | null;
  /** The best run with a 32-number code. */
  k32: AeGridRun | null;
};

/** Lab 2A's picks (null when no run qualifies). */
export function gridPicks(runs: AeGridRun[]): GridPicks {
  return {
    best: bestRun(runs),
    best_reg: bestRun(runs, (r) => r.config.weightDecay > 0 && r.row.stable === true),
    best_dropout: bestRun(runs, (r) => (r.config.dropout ?? 0) > 0 && r.row.stable === true),
    k32: bestRun(runs, (r) => r.model?.latentDim === 32),
  };
}

export interface SavedCheckpoint {
  /** e.g. "ae_fashion_best" */
  name: string;
  file: string;
  /** null when no run qualified: nothing was written. */
  run: AeGridRun | null;
}

/** Writes `saved_models/ae_<dataset>_<pick>.safetensors` for every pick that has a run (atomically, checksummed). */
export function saveGridCheckpoints(dataset: string, picks: Record<string, AeGridRun | null>, dir: string = projectPath("saved_models")): SavedCheckpoint[] {
  return Object.entries(picks).map(([pick, run]) => {
    const name = `ae_${dataset}_${pick}`;
    const file = checkpointPath(dataset, pick, dir);
    if (run !== null && run.model !== null) {
      const c = run.config;
      saveAutoencoder(run.model, file, {
        dataset,
        run: String(run.row.run),
        description: describeRun(c),
        train_settings: JSON.stringify({ lr: c.lr, batchSize: c.batchSize, weightDecay: c.weightDecay, epochs: c.epochs, patience: c.patience }),
        best_epoch: String(run.row.bestEpoch),
        val_recon: String(run.row.bestValRecon),
      });
    }
    return { name, file, run: run?.model ? run : null };
  });
}
