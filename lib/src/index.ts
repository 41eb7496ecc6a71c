// nnfs: a neural-network engine written by hand (no autograd) for the nnfs-ts labs.
// Readable first; the kernels are the only place that is tuned for speed.

// Tensors, errors, randomness
export { Matrix, assertShape, assertSameShape } from "./tensor";
export type { DType, FloatArray } from "./tensor";
export { ConfigError, ShapeError, DivergenceError, DataError } from "./errors";
export { Rng } from "./random";
export { initWeights, INIT_NAMES } from "./init";
export type { InitName } from "./init";

// Kernels and their backends
export * as kernels from "./kernels";
export { describeBackend, backendStatus } from "./kernels/backend";
export type { BackendStatus } from "./kernels/backend";

// Layers, losses, models, optimiser
export { Linear, BatchNorm1d, ReLU, Sigmoid, Dropout, makeParam } from "./layers";
export type { Layer, Param, StateBuffer, ForwardOptions, LinearOptions, BatchNormOptions, DropoutOptions } from "./layers";
export { softmax, softmaxCrossEntropy, meanSquaredError, meanSquaredErrorValue } from "./losses";
export type { LossAndGrad } from "./losses";
export { Sequential, Network, Classifier, Regressor, MLPClassifier, MLPRegressor, Autoencoder, ACTIVATIONS, OUTPUT_ACTIVATIONS, accuracy } from "./models";
export type {
  TrainableModel,
  Targets,
  LossFunction,
  Activation,
  MLP,
  MLPOptions,
  MLPConfig,
  AutoencoderOptions,
  AutoencoderConfig,
  OutputActivation,
} from "./models";
export { SGD, l2Penalty } from "./optim/sgd";
export type { SGDOptions, Optimizer } from "./optim/sgd";
export { Momentum } from "./optim/momentum";
export type { MomentumOptions } from "./optim/momentum";
export { RMSProp } from "./optim/rmsprop";
export type { RMSPropOptions } from "./optim/rmsprop";
export { Adam } from "./optim/adam";
export type { AdamOptions } from "./optim/adam";
export type { OptimizerState, ResumableOptimizer } from "./optim/state";

// Training: the loop, early stopping, grid search, progress, metrics
export { fit, evaluate, batchBounds, scheduledLr, LR_SCHEDULES } from "./train/trainer";
export type { FitOptions, LrSchedule } from "./train/trainer";
export { lastEpoch } from "./training_history";
export type { EpochProgress, EpochValues, History } from "./training_history";
export type { EarlyStoppingOptions } from "./train/early_stopping";
export { runAeGrid, bestRun, describeRun, worstSpike, SPIKE_LIMIT } from "./train/grid_search";
export { GridCache, engineVersion, dataChecksum } from "./train/grid_cache";
export { gridPicks, saveGridCheckpoints } from "./train/grid_checkpoints";
export type { SavedCheckpoint } from "./train/grid_checkpoints";
export type { GridCacheOptions } from "./train/grid_cache";
export type { AeRunConfig, AeGridRow, AeGridRun, AeGridOptions } from "./train/grid_search";
export { defaultAeGrid } from "./train/ae_grid_defaults";
export { gridResultsTable, saveCsv, tableHtml } from "./train/results_table";
export { progressLine, progressText, liveLine } from "./train/progress";
export type { ProgressLine, LiveLine } from "./train/progress";
export { reconstructionScores, firstOfEachClass } from "./train/metrics";
export type { ReconstructionScores } from "./train/metrics";
export { confusionMatrix } from "./train/confusion";
export { epochsToTarget, optimizerRace, describeRace } from "./train/optimizer_race";
export type { RaceEntry } from "./train/optimizer_race";
export { lrSweep } from "./train/lr_sweep";
export type { LrSweepRow, LrSweepOptions } from "./train/lr_sweep";

// Data
export { takeRows, takeTargets, takeSamples, trainValSplit, checkDataset } from "./data/dataset";
export type { Dataset } from "./data/dataset";
export { makeSpirals, makeCurve, curveTarget } from "./data/synthetic";
export type { SpiralOptions, CurveOptions } from "./data/synthetic";
export { loadImageDataset, DATASETS, DATASET_NAMES } from "./data/image_datasets";
export type { DatasetName, Split, ImageDataset, LoadOptions } from "./data/image_datasets";
export { downloadDataset } from "./data/download";
export type { DownloadOptions } from "./data/download";
export { parseIdx, maybeGunzip, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from "./data/idx";

// Analysis of trained autoencoders (Labs 2B-2E)
export { layer1Filters, layer2Backprojection, filterTiles } from "./analysis/filters";
export { processTestSet, saveProcessed, loadProcessed, perClassMean, largest } from "./analysis/processed";
export type { ProcessedTestSet } from "./analysis/processed";
export { exactKnn } from "./analysis/neighbors";
export type { Neighbors } from "./analysis/neighbors";
export { trustworthiness, knnAccuracy, embeddingScores } from "./analysis/embedding_metrics";
export type { EmbeddingScores } from "./analysis/embedding_metrics";
export { runUmap, seededRandom } from "./analysis/umap";
export type { UmapOptions, UmapResult } from "./analysis/umap";
export { analyseCheckpoint, analyseCheckpoints, comparedModels, comparisonRows, perClassErrorRows, mseComparison } from "./analysis/checkpoint_comparison";
export type { CheckpointAnalysis, ComparedModel } from "./analysis/checkpoint_comparison";
export { rawVsLatentSweep, sweepRuns } from "./analysis/raw_vs_latent_sweep";
export { trainClassifier, epochsFor, labelledTrainingSet } from "./analysis/classifier_runs";
export { runJobs } from "./parallel/job_threads";
export type { JobHandler, JobOptions, JobRunner } from "./parallel/job_threads";
export { labelledSubset, noisyLabels, noisySubsetLabels } from "./analysis/label_noise";
export { noiseRobustness, noiseConclusions } from "./analysis/noise_robustness";
export type { NoiseRobustness } from "./analysis/noise_robustness";
export { knnLabelBudgets } from "./analysis/knn_classifier";
export type { KnnBudgetOptions, KnnResult } from "./analysis/knn_classifier";
export { standardizer } from "./analysis/standardize";
export type { Standardizer } from "./analysis/standardize";
export { differencesFromRaw, conclusions } from "./analysis/sweep_conclusions";
export type { Difference } from "./analysis/sweep_conclusions";
export { saveSweepCsv, readSweepCsv, summarizeSweep, sweepPivot } from "./analysis/sweep_table";
export type { SweepRow, SweepSummary, SweepPivotLayout } from "./analysis/sweep_table";
export type { SweepOptions } from "./analysis/raw_vs_latent_sweep";
export type { ClassifierSettings, FeatureSet, Labels, ClassifierRun, ClassifierRunOptions } from "./analysis/classifier_runs";

// Files, charts, notebooks, testing helpers
export * as io from "./io";
export * as plot from "./plot";
export * as gradcheck from "./testing/gradcheck";
export * as exercises from "./exercises";
export { labsProfile } from "./profile";
export type { LabsProfile } from "./profile";
export { inNotebook } from "./notebook";
export { projectRoot, projectPath, checkpointPath, processedPath, writeFileAtomic, removeStaleTemporaries } from "./paths";

import { backendStatus, describeBackend } from "./kernels/backend";
import { otherKernelsNote, registerKernel } from "./kernels/other_kernels";
import { inNotebook } from "./notebook";
// In a notebook, say once (in the cell that first imports the engine) which matmul
// backend runs and, if it is the fallback, why; and whether other kernels use nnfs
// beside this one with several OpenBLAS threads each. Scripts and tests stay quiet.
if (inNotebook()) {
  console.log(describeBackend());
  const status = backendStatus();
  const note = otherKernelsNote(registerKernel(), status.name === "blas" ? status.threads : undefined, Boolean(process.env.NNFS_THREADS));
  if (note !== null) console.log(note);
}
