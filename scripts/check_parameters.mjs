// Checks the runner's -p values with the engine's rules (lib/src/lab_parameters.ts) and
// prints the values to inject as JSON; a bad one exits 1 with the reason.
// Usage: node scripts/check_parameters.mjs '{"dataset": "mnist"}'
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
try {
  console.log(JSON.stringify(nn.checkLabParameters(JSON.parse(process.argv[2] ?? "{}"))));
} catch (err) {
  console.error(`-p ${err.message}`);
  process.exit(1);
}
