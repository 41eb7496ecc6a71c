// The runner's question to the one module that knows the lab parameters (tools/src/lab_parameters.ts):
//   node scripts/lab_parameters.mjs plan '{"dataset": "mnist"}' NOTEBOOK...
//     checks the -p values against what the notebooks declare and allow, and prints as JSON the
//     values, the dataset of the run and each notebook's injected cell; a bad one exits 1 with the reason.
//   node scripts/lab_parameters.mjs inject '{"dataset": null}' NOTEBOOK...
//     prints each notebook's injected cell for values written as given, unchecked (for comparing with papermill).
import { createRequire } from "node:module";

const tools = createRequire(import.meta.url)("nnfs-tools");
const [mode, values, ...notebooks] = process.argv.slice(2);
if ((mode !== "plan" && mode !== "inject") || values === undefined) {
  console.error("usage: node scripts/lab_parameters.mjs plan|inject VALUES_JSON NOTEBOOK...");
  process.exit(2);
}
try {
  const given = JSON.parse(values);
  console.log(JSON.stringify(mode === "plan" ? tools.planParameters(notebooks, given) : tools.injections(notebooks, given)));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
