// The autoencoder grid's runs as jobs for runJobs (parallel/job_threads.ts): each worker
// thread receives the training and validation images once, trains run after run, reports
// every epoch's history (the lab's progress lines and live chart) and sends back the row,
// the history and the trained model's tensors.
import type { Matrix } from "../tensor";
import { matrixOf } from "../parallel/cloned_matrix";
import { Autoencoder } from "../models/autoencoder";
import type { History } from "../training_history";
import type { JobHandler, JobRunner } from "../parallel/job_protocol";
import { AeGridRow, AeRunConfig, describeRun, splitRunConfig, trainGridRun } from "./grid_run";

export interface GridJob {
  config: AeRunConfig;
  /** The run's position in the grid (0-based). */
  index: number;
}

export interface GridJobContext {
  train: Matrix;
  val: Matrix;
}

/** A trained run as it crosses threads: the model as its tensors (params, then buffers). */
export interface GridJobResult {
  row: AeGridRow;
  history: History | null;
  state: Array<{ name: string; data: Float32Array | Float64Array }> | null;
}

export const GRID_JOB_HANDLER: JobHandler = { module: __filename, name: "gridJobRunner" };

export function gridJobRunner(context: GridJobContext): JobRunner<GridJob, GridJobResult> {
  const train = matrixOf(context.train);
  const val = matrixOf(context.val);
  return (job, report) => {
    const run = trainGridRun(job.config, job.index, train, val, (h) => report(h));
    const state = run.model === null ? null : [...run.model.params(), ...run.model.buffers()].map((p) => ({ name: p.name, data: p.value.data }));
    return { row: run.row, history: run.history, state };
  };
}

/** The trained model of a result: a new model of the run's config, with the tensors it sent. */
export function modelOfResult(config: AeRunConfig, result: GridJobResult): Autoencoder | null {
  if (result.state === null) return null;
  const model = new Autoencoder(splitRunConfig(config).model);
  const tensors = new Map(result.state.map((t) => [t.name, t.data]));
  for (const p of [...model.params(), ...model.buffers()]) {
    const data = tensors.get(p.name);
    if (data === undefined || data.length !== p.value.data.length)
      throw new Error(`grid run ${describeRun(config)}: tensor ${p.name} missing or of another size`);
    p.value.data.set(data);
  }
  return model;
}

/** Roughly proportional to a run's time: epochs × the weights of its Linear layers. */
export function gridJobCost(job: GridJob): number {
  const c = job.config;
  const widths = [c.inputDim ?? 784, ...c.encDims, ...c.decDims, c.inputDim ?? 784];
  let weights = 0;
  for (let i = 1; i < widths.length; i++) weights += widths[i - 1] * widths[i];
  return c.epochs * weights;
}
