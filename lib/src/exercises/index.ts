// The exercise track's grader (nn.exercises): one check per exercise, comparing the
// learner's code with the engine's and with finite differences, and naming the likely
// mistake when a check fails. check* print and throw; grade* return the report.
export {
  checkGradientCheck,
  checkLinear,
  checkReLU,
  checkSigmoid,
  checkSoftmaxCrossEntropy,
  checkMeanSquaredError,
  checkBatchNorm,
  checkSGD,
  checkDropout,
  checkMomentum,
  checkRMSProp,
  checkAdamW,
  checkBeforeTraining,
  checkSpiralClassifier,
  checkBatchNormClassifier,
  checkCurveRegressor,
  checkAll,
} from "./checks";
export type { NetworkCheckOptions } from "./checks";
export { selfCheck } from "./self_check";
export type { Expect, SelfCheckOptions } from "./self_check";
export { collectMyLayers, collectSources, EXERCISE_NOTEBOOKS } from "./collect";
export { loadMyLayers } from "./my_layers_loader";
export type { LoadedLayers } from "./my_layers_loader";
export type { Collected, CollectedNotebook, CollectOptions } from "./collect";
export { readNotebook, cellSource, nbgraderOf } from "./notebook_json";
export type { Notebook, NotebookCell, NbgraderMeta } from "./notebook_json";
export { gradeGradientCheck } from "./check_gradcheck";
export type { GradientCheckTools, LayerGradientCheck } from "./check_gradcheck";
export { gradeLinear } from "./check_linear";
export { gradeReLU, gradeSigmoid } from "./check_activations";
export { gradeSoftmaxCrossEntropy, gradeMeanSquaredError } from "./check_losses";
export { gradeBatchNorm } from "./check_batchnorm";
export { gradeSGD } from "./check_sgd";
export { gradeDropout } from "./check_dropout";
export { gradeMomentum, gradeRMSProp, gradeAdamW } from "./check_update_rules";
export { gradeBeforeTraining, INITIAL_LOSS_TOLERANCE, OVERFIT } from "./check_before_training";
export { gradeSpiralClassifier, gradeBatchNormClassifier, gradeCurveRegressor, spiralData, curveData, curveNoiseFloor } from "./check_networks";
export type { TrainValData, Trained, TrainFunction, NetworkSetup, SetupFunction, NetworkReport } from "./check_networks";
export type { MyLayers, LinearClass, ActivationClass, SoftmaxCrossEntropyFunction, MseFunction, BatchNormClass, SGDClass, DropoutClass } from "./learner_api";
export type {
  MomentumClass,
  RMSPropClass,
  AdamWClass,
  MomentumOptions as LearnerMomentumOptions,
  RMSPropOptions as LearnerRMSPropOptions,
  AdamWOptions,
} from "./learner_api";
export { ExerciseError, formatReport } from "./report";
export type { CheckResult, ExerciseReport } from "./report";
export type { CheckOptions, GradeOptions } from "./grader";
