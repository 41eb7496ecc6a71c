// Fuzzes every reader of outside bytes (IDX raw and gzip, safetensors, NPY, NPZ) with seeded
// cases derived from valid files, and prints the counts by outcome. Exits 1 if any case
// failed: an exception other than a DataError naming the file, an invalid object, or a case
// slower than 1 s. Usage: node scripts/fuzz.mjs [--cases 10000] [--seed 1] [--format NPZ]
// The harness is test code (lib/test/fuzz), compiled with the tests: `npm run fuzz` compiles them first.
import { createRequire } from "module";
import fs from "fs";
import path from "path";
import { fileURLToPath } from "url";

if (process.argv.includes("--help")) {
  console.log('Usage: npm run fuzz -- [--cases 10000] [--seed 1] [--format "IDX raw"|"IDX gzip"|safetensors|NPY|NPZ]');
  process.exit(0);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const harness = path.join(root, "lib/build/test/fuzz/index.js");
if (!fs.existsSync(harness)) {
  console.error(`fuzz: ${path.relative(root, harness)} is missing; compile the tests first: npx tsc -p lib/tsconfig.test.json (npm run fuzz does)`);
  process.exit(2);
}
const fuzz = createRequire(import.meta.url)(harness);

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}
const cases = Number(option("cases", "10000"));
const seed = Number(option("seed", "1"));
const only = option("format", null);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  console.error("fuzz: --cases must be a positive integer and --seed an integer");
  process.exit(2);
}
const formats = Object.keys(fuzz.FUZZ_TARGETS).filter((f) => only === null || f === only);
if (formats.length === 0) {
  console.error(`fuzz: unknown --format ${only}; one of ${Object.keys(fuzz.FUZZ_TARGETS).join(", ")}`);
  process.exit(2);
}

console.log(`Fuzzing ${formats.length} readers, ${cases} cases each, seeds ${seed}..${seed + cases - 1}\n`);
const rows = [];
let failed = 0;
for (const format of formats) {
  const target = fuzz.FUZZ_TARGETS[format]();
  let report;
  try {
    report = fuzz.runFuzz(target, { cases, seed });
  } finally {
    target.close();
  }
  failed += report.failed;
  rows.push(report);
  console.log(
    `${format}: ${report.cases} cases in ${(report.totalMs / 1000).toFixed(1)} s; loaded ${report.loaded}, refused ${report.refused}, failed ${report.failed}; slowest ${report.slowest.ms.toFixed(0)} ms (seed ${report.slowest.seed}: ${report.slowest.label})`,
  );
  const kinds = Object.entries(report.refusals).sort((a, b) => b[1] - a[1]);
  for (const [kind, n] of kinds.slice(0, 12)) console.log(`    ${String(n).padStart(6)}  ${kind}`);
  if (kinds.length > 12)
    console.log(`    ${String(kinds.slice(12).reduce((s, [, n]) => s + n, 0)).padStart(6)}  (${kinds.length - 12} other kinds of refusal)`);
  for (const f of report.failures) console.log(`  FAILED seed ${f.seed} (${f.label}): ${f.detail}`);
  console.log("");
}

const pad = (s, n) => String(s).padStart(n);
console.log(`${"format".padEnd(12)} ${pad("cases", 7)} ${pad("loaded", 7)} ${pad("refused", 8)} ${pad("failed", 7)} ${pad("slowest ms", 11)}`);
for (const r of rows)
  console.log(`${r.format.padEnd(12)} ${pad(r.cases, 7)} ${pad(r.loaded, 7)} ${pad(r.refused, 8)} ${pad(r.failed, 7)} ${pad(r.slowest.ms.toFixed(0), 11)}`);
// Peak memory of the whole campaign: no case may allocate what a damaged header claims.
console.log(`\npeak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (failed > 0) {
  console.log(`\n${failed} cases failed; rerun one with --seed <seed> --cases 1 --format <format>`);
  process.exit(1);
}
