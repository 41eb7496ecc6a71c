// Whether E6's network is the learner's work: their layer classes, their loss function, and their
// SGD (not the engine's) taking the steps. Not for scoring outcomes (./check_networks).
import { BatchNorm1d, Layer, Linear, Param, ReLU, Sigmoid } from "../layers";
import { softmaxCrossEntropy as engineSoftmaxCrossEntropy, meanSquaredError as engineMeanSquaredError } from "../losses";
import { SGD as EngineSGD } from "../optim/sgd";
import { CheckFailure, Grader } from "./grader";
import { describeValue } from "./answer_comparison";
import type { MyLayers } from "./learner_api";

export const SGD_HINT =
  "give nn.fit your optimiser: optimizer: new SGD({ lr, weightDecay }) with SGD imported from ./my_layers (nn.fit's own lr option, and new nn.SGD, use the engine's)";

/**
 * Whether `mine` holds the learner's classes and functions rather than the engine's; if not,
 * records a failed check saying which. (The check cells pass the object built from ./my_layers.)
 */
export function ownClasses(g: Grader, mine: MyLayers): boolean {
  const engine: Record<keyof MyLayers, unknown> = {
    Linear,
    ReLU,
    Sigmoid,
    BatchNorm1d,
    SGD: EngineSGD,
    softmaxCrossEntropy: engineSoftmaxCrossEntropy,
    meanSquaredError: engineMeanSquaredError,
  };
  const names = Object.keys(engine) as (keyof MyLayers)[];
  const wrong = names.filter((k) => typeof mine?.[k] !== "function" || mine[k] === engine[k]);
  if (wrong.length === 0) return true;
  g.check("mine holds your code from ./my_layers", () => {
    const what = wrong.map((k) => (typeof mine?.[k] === "function" ? `${k} is the engine's` : `${k} is ${describeValue(mine?.[k])}`));
    throw new CheckFailure(what.join(", "), "pass the object the import cell builds from ./my_layers: { Linear: Linear, ReLU: ReLU, … }");
  });
  return false;
}

/** Every layer is an instance of one of the learner's layer classes (E1, E2, E4). */
export function checkOwnLayers(g: Grader, layers: readonly Layer[], mine: MyLayers): void {
  g.check("built only from your own layers", () => {
    const engine = layers.findIndex((l) => l instanceof Linear || l instanceof BatchNorm1d || l instanceof ReLU || l instanceof Sigmoid);
    if (engine >= 0)
      throw new CheckFailure(
        `layer ${engine} is the engine's ${layers[engine].label}`,
        "build the network from your classes (imported from ./my_layers), not nn.Linear and friends",
      );
    const ownClass = [mine.Linear, mine.ReLU, mine.Sigmoid, mine.BatchNorm1d];
    const other = layers.findIndex((l) => !ownClass.some((C) => l instanceof C));
    if (other >= 0) {
      const l = layers[other] as Layer | null;
      throw new CheckFailure(
        `layer ${other} (${l?.label ?? describeValue(l)}) is not an instance of your Linear, ReLU, Sigmoid or BatchNorm1d`,
        "build the network from your classes (imported from ./my_layers): the point of E6 is that every forward and backward is yours",
      );
    }
    return `${layers.length} layers: ${layers.map((l) => l.label ?? l.constructor.name).join(" → ")}`;
  });
}

/** The model's loss is the learner's function itself (E3): the one nn.fit called through model.loss. */
export function checkOwnLoss(g: Grader, model: object, loss: unknown, engineLoss: unknown, name: string, modelClass: string): void {
  g.check(`its loss is your ${name} (E3)`, () => {
    const used = (model as { lossFunction?: unknown }).lossFunction;
    const how = `new ${modelClass}(layers, { loss: ${name} }), with ${name} from ./my_layers`;
    if (used === engineLoss) throw new CheckFailure(`the model's loss is the engine's ${name}`, `${how}; without a loss, ${modelClass} uses the engine's`);
    if (used !== loss) {
      const called = typeof used === "function" ? (used.name ? `function ${used.name}` : "an anonymous function") : describeValue(used);
      throw new CheckFailure(
        `the model's loss is ${called}, not your ${name}`,
        `${how}: pass the function itself, not a wrapper (a wrapper around yours cannot be told from one around the engine's)`,
      );
    }
    return `${name} from ./my_layers`;
  });
}

/** Counts the steps of the learner's SGD and of the engine's while the learner's training runs, and the params stepped. */
export interface StepWatch {
  mine: number;
  engine: number;
  params: Set<Param>;
  restore(): void;
}

export function watchSteps(MySGD: MyLayers["SGD"]): StepWatch {
  const watch: StepWatch = { mine: 0, engine: 0, params: new Set(), restore: () => undefined };
  // NOTE: the engine's step is wrapped first, so a learner's SGD that inherits the engine's
  // step (class SGD extends nn.SGD) counts for both, and fails as the engine's.
  const undo = [
    wrapMethod(EngineSGD.prototype, "step", () => watch.engine++),
    wrapMethod(MySGD.prototype, "step", (params) => {
      watch.mine++;
      if (Array.isArray(params)) for (const p of params) watch.params.add(p as Param);
    }),
  ];
  watch.restore = () => undo.reverse().forEach((u) => u());
  return watch;
}

/** Replaces proto[name] by a method that calls `before` with its arguments, then the original; returns what undoes it. */
function wrapMethod(proto: object, name: string, before: (...args: unknown[]) => void): () => void {
  const target = proto as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== "function") return () => undefined;
  const own = Object.getOwnPropertyDescriptor(proto, name);
  Object.defineProperty(proto, name, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]): unknown {
      before(...args);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    },
  });
  return () => {
    if (own) Object.defineProperty(proto, name, own);
    else delete target[name];
  };
}
