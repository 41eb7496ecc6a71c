export { softmax, softmaxCrossEntropy, checkLabels } from "./softmax_cross_entropy";
export type { LossAndGrad } from "./softmax_cross_entropy";
export { meanSquaredError, meanSquaredErrorValue } from "./mse";
