// Lays out an nbgrader course folder for the exercise track: source/<assignment>/ from the
// answer keys, an nbgrader_config.py that loads the track's settings, and a node_modules link
// so that `import "nnfs"` resolves in every folder nbgrader runs notebooks in. It only adds:
// files already there are kept. nbgrader itself does the rest (see the README).
// Usage: node scripts/nbgrader_course.mjs DIR                       one assignment "exercises" with E0–E8
//        node scripts/nbgrader_course.mjs DIR --assignment ps1 E1 E2   only those, as assignment ps1
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const nn = require("nnfs");
const tools = require("nnfs-tools");
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const KEYS = path.join(ROOT, "notebooks", "exercises", "solutions");
const TRACK_CONFIG = path.join(ROOT, "notebooks", "exercises", "nbgrader_config.py");

function parseArgs(argv) {
  const args = { dir: undefined, assignment: "exercises", only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--assignment") args.assignment = argv[++i];
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}; see the usage at the top of scripts/nbgrader_course.mjs`);
    else if (args.dir === undefined) args.dir = a;
    else args.only.push(a);
  }
  if (args.dir === undefined) throw new Error("name the course folder: node scripts/nbgrader_course.mjs DIR");
  if (!/^[A-Za-z0-9_-]+$/.test(args.assignment ?? ""))
    throw new Error(`--assignment needs a name of letters, digits, _ or - (got ${JSON.stringify(args.assignment)})`);
  return args;
}

/** The answer keys to put in the assignment, checked as nbgrader would. */
function chosenKeys(only) {
  const all = fs
    .readdirSync(KEYS)
    .filter((f) => /^E\d+-.*\.ipynb$/.test(f))
    .sort();
  const unknown = only.filter((name) => !all.some((f) => f.startsWith(`${name}-`)));
  if (unknown.length > 0) throw new Error(`${unknown.join(" ")}: no such exercise; there are ${all.map((f) => f.split("-")[0]).join(", ")}`);
  const keys = only.length === 0 ? all : all.filter((f) => only.some((name) => f.startsWith(`${name}-`)));
  // NOTE: E6 collects the learner's E1–E5 from its own folder, so it needs them in its assignment.
  const builtOn = ["E1", "E2", "E3", "E4", "E5"];
  if (keys.some((f) => f.startsWith("E6-")) && !builtOn.every((name) => keys.some((f) => f.startsWith(`${name}-`))))
    throw new Error("E6 builds on E1–E5 from the same folder: put E1–E6 in its assignment");
  for (const file of keys) {
    const problems = tools.sourceProblems(nn.exercises.readNotebook(path.join(KEYS, file)));
    if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
  }
  return keys;
}

function courseConfig(courseId) {
  return [
    "# nbgrader settings of this course folder, made by nnfs-ts's scripts/nbgrader_course.mjs.",
    "# The exercise track's settings (the TypeScript stub, the tslab kernel, timeouts) come from the",
    "# project; yours go below them and win.",
    "import os",
    "",
    "c = get_config()  # noqa: F821",
    `_track = ${JSON.stringify(TRACK_CONFIG)}`,
    "if not os.path.exists(_track):",
    '    raise FileNotFoundError(f"{_track} is missing: this course folder needs the nnfs-ts project it was made from")',
    "load_subconfig(_track)  # noqa: F821",
    `c.CourseDirectory.course_id = ${JSON.stringify(courseId)}`,
    "",
  ].join("\n");
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const keys = chosenKeys(args.only);
  const course = path.resolve(args.dir);
  const source = path.join(course, "source", args.assignment);
  fs.mkdirSync(source, { recursive: true });
  /** Makes `target` with `make` unless it is there already (then it is the instructor's). */
  const add = (target, make) => {
    if (fs.lstatSync(target, { throwIfNoEntry: false })) return console.log(`kept ${target} (already there; delete it to get the project's version)`);
    make(target);
    console.log(`made ${target}`);
  };
  add(path.join(course, "nbgrader_config.py"), (f) => nn.writeFileAtomic(f, courseConfig(path.basename(course).replace(/[^A-Za-z0-9_-]/g, "-"))));
  // The kernel runs in source/, release/, autograded/… under the course folder: one link here
  // serves them all, as node_modules in the project serves notebooks/.
  add(path.join(course, "node_modules"), (f) => fs.symlinkSync(path.join(ROOT, "node_modules"), f));
  for (const file of keys) add(path.join(source, file), (f) => fs.copyFileSync(path.join(KEYS, file), f));
  const a = args.assignment;
  const steps = [
    [`cd ${course}`, ""],
    [`nbgrader generate_assignment ${a}`, `release/${a}/: the student version`],
    ["", `students' notebooks go to submitted/<student>/${a}/ (nbgrader collect, or copy them there)`],
    [`nbgrader autograde ${a}`, `autograded/<student>/${a}/ and the scores in gradebook.db`],
    [`nbgrader generate_feedback ${a}`, `feedback/<student>/${a}/*.html`],
    ["nbgrader export", "grades.csv"],
  ];
  const width = Math.max(...steps.map(([cmd]) => cmd.length));
  console.log("\nNext, with nbgrader from the project venv (source scripts/common.sh):");
  for (const [cmd, note] of steps) console.log(`  ${cmd.padEnd(width)}${note ? `  # ${note}` : ""}`.trimEnd());
}

try {
  main();
} catch (err) {
  console.error(`nbgrader_course: ${err.message}`);
  process.exit(1);
}
