// Confusion matrices: counts of (true class, predicted class) pairs.
import { ShapeError } from "../errors";

/** cm[t][p] = number of examples of true class t predicted as p. */
export function confusionMatrix(predicted: Int32Array, labels: Int32Array, classes: number): number[][] {
  if (predicted.length !== labels.length) throw new ShapeError(`confusionMatrix: ${predicted.length} predictions vs ${labels.length} labels`);
  const cm = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) cm[labels[i]][predicted[i]]++;
  return cm;
}
