// The values a lab's parameters may take. Each lab declares its parameters in a cell
// tagged "parameters" (papermill's convention); `npm run labs -- -p dataset mnist` makes
// the runner inject new values after that cell, and checks them here before any cell runs.
import * as fs from "fs";
import * as path from "path";
import { ConfigError, DataError } from "./errors";
import { DATASET_NAMES } from "./data/image_datasets";
import { readCheckpointMetadata, CHECKPOINT_FORMAT } from "./io/checkpoint";
import { projectRoot } from "./paths";
import { checkOneOf } from "./validate";

export interface LabParameter {
  /** What the value must be, for the usage text and for errors. */
  help: string;
  /** The value as the notebook gets it, or an error saying what is wrong with it. */
  check(value: string): string | boolean;
}

export const LAB_PARAMETERS: Readonly<Record<string, LabParameter>> = {
  dataset: {
    help: `the image dataset: ${DATASET_NAMES.map((d) => JSON.stringify(d)).join(" or ")}`,
    check: (value) => checkOneOf("dataset", value, DATASET_NAMES),
  },
  checkpoint: {
    help: "an autoencoder checkpoint written by Lab 2A (a path from the project root), for Labs 2B–2E",
    check: (value) => {
      const file = path.resolve(projectRoot(), value);
      if (!fs.existsSync(file)) throw new DataError(`checkpoint ${JSON.stringify(value)}: no such file (${file}); run Lab 2A first or give an existing .safetensors file`);
      const format = readCheckpointMetadata(file).format;
      if (format !== CHECKPOINT_FORMAT) throw new DataError(`checkpoint ${file}: format ${JSON.stringify(format)}, not an nnfs autoencoder checkpoint`);
      return file;
    },
  },
  fresh: {
    help: "true to train every Lab 2A run again instead of reusing runs that finished before an interruption (default false)",
    check: (value) => {
      if (value !== "true" && value !== "false") throw new ConfigError(`fresh: expected true or false (got ${JSON.stringify(value)})`);
      return value === "true";
    },
  },
};

/** Checks every given parameter; returns the values to inject, or throws naming what is wrong. */
export function checkLabParameters(given: Readonly<Record<string, string>>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(given)) {
    const parameter = LAB_PARAMETERS[name];
    if (parameter === undefined) {
      throw new ConfigError(`-p ${name}: no lab has a parameter of that name; known: ${Object.keys(LAB_PARAMETERS).join(", ")}`);
    }
    out[name] = parameter.check(value);
  }
  return out;
}
