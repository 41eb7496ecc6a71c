// Student versions of the exercise notebooks, made from the answer keys in
// notebooks/exercises/solutions/ (see tools/src/notebook_release.ts).
// Usage: node scripts/exercises.mjs                 create the missing ones in notebooks/exercises/
//        node scripts/exercises.mjs --reset E1 E4   start those over (the old file is kept as a backup)
//        node scripts/exercises.mjs --into DIR      use DIR instead of notebooks/exercises/ (as the tests do)
//        node scripts/exercises.mjs --check         only check the answer keys' regions and nbgrader metadata
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const nn = require("nnfs");
const tools = require("nnfs-tools");
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = path.join(ROOT, "notebooks", "exercises", "solutions");
const STUDENT = path.join(ROOT, "notebooks", "exercises");

function parseArgs(argv) {
  const args = { reset: [], into: STUDENT, check: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--reset") while (argv[i + 1] && !argv[i + 1].startsWith("--")) args.reset.push(argv[++i]);
    else if (a === "--into") args.into = argv[++i];
    else if (a === "--check") args.check = true;
    else if (a === "--quiet") args.quiet = true;
    else throw new Error(`unknown argument ${a}; see the usage at the top of scripts/exercises.mjs`);
  }
  if (args.into === undefined) throw new Error("--into needs a folder");
  return args;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const sources = fs
    .readdirSync(SOURCES)
    .filter((f) => /^E\d+-.*\.ipynb$/.test(f))
    .sort();
  const say = (line) => args.quiet || console.log(line);
  if (args.check) {
    for (const file of sources) {
      const problems = tools.sourceProblems(nn.exercises.readNotebook(path.join(SOURCES, file)));
      if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
    }
    say(`${sources.length} exercise answer keys are valid`);
    return;
  }
  const unknown = args.reset.filter((name) => !sources.some((f) => f.startsWith(`${name}-`)));
  if (unknown.length > 0) throw new Error(`--reset ${unknown.join(" ")}: no such exercise; there are ${sources.map((f) => f.split("-")[0]).join(", ")}`);
  const folder = path.resolve(args.into);
  fs.mkdirSync(folder, { recursive: true });
  for (const file of sources) {
    const target = path.join(folder, file);
    const reset = args.reset.some((name) => file.startsWith(`${name}-`));
    if (fs.existsSync(target) && !reset) continue;
    if (fs.existsSync(target)) {
      const backup = target.replace(/\.ipynb$/, `.backup-${new Date().toISOString().replace(/[:.]/g, "-")}.ipynb`);
      fs.renameSync(target, backup);
      say(`kept your previous ${file} as ${path.relative(ROOT, backup)}`);
    }
    const student = tools.studentVersion(nn.exercises.readNotebook(path.join(SOURCES, file)), file);
    nn.writeFileAtomic(target, tools.notebookText(student));
    say(`wrote ${path.relative(ROOT, target) || target}`);
  }
}

try {
  main();
} catch (err) {
  console.error(`exercises: ${err.message}`);
  process.exit(1);
}
