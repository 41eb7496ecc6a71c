// The student version of an exercise notebook, made from the answer key the way nbgrader's
// generate_assignment does: every `// BEGIN SOLUTION <label>` … `// END SOLUTION` region is
// replaced by `// YOUR CODE HERE` and a "not implemented: <label>" throw, outputs are cleared,
// and the nbgrader cell metadata (solution cells, locked check cells with points) is kept.
// Build tooling (scripts/exercises.mjs, scripts/nbgrader_course.mjs), not the grader: it reads
// notebooks with the engine's reader and throws the engine's DataError.
import { DataError, exercises } from "nnfs";

type Notebook = exercises.Notebook;
const { cellSource, nbgraderOf } = exercises;

const BEGIN = "BEGIN SOLUTION";
const END = "END SOLUTION";
/**
 * Words that tell a learner where the answer keys are. The lesson text goes to learners as it
 * is (here and in nbgrader's release), so it must not point at them; the README does that.
 */
const KEY_POINTER = /solutions\/|answer[ -]?keys?\b/i;
/** A check cell: it calls one exercise's check (checkAll only repeats E1–E5 in E6 and is not graded). */
const CHECK_CALL = /nn\.exercises\.check(?!All\b)\w*\(/;

/**
 * Every problem with a source notebook's regions and nbgrader metadata, one line each
 * (empty when it is fine). What nbgrader itself would reject is a problem here too.
 */
export function sourceProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  const language = (nb.metadata.kernelspec as { language?: string } | undefined)?.language;
  if (language !== "typescript") problems.push(`kernelspec.language is ${JSON.stringify(language)}, not "typescript" (the tslab kernel)`);
  const ids = new Map<string, number>();
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}`;
    const meta = nbgraderOf(cell);
    const text = cellSource(cell);
    const regions = regionLabels(text, where, problems);
    if (meta !== undefined) {
      if (meta.schema_version !== 3) problems.push(`${where}: nbgrader schema_version is ${meta.schema_version}, not 3`);
      if ([meta.grade, meta.solution, meta.locked].some((v) => typeof v !== "boolean"))
        problems.push(`${where}: nbgrader grade, solution and locked must all be true or false`);
      if (meta.grade || meta.solution || meta.locked) {
        if (!meta.grade_id || !/^[A-Za-z0-9_-]+$/.test(meta.grade_id))
          problems.push(`${where}: nbgrader grade_id ${JSON.stringify(meta.grade_id)} must be letters, digits, _ or -`);
        else if (ids.has(meta.grade_id)) problems.push(`${where}: grade_id "${meta.grade_id}" is also used by cell ${ids.get(meta.grade_id)}`);
        else ids.set(meta.grade_id, i + 1);
      }
      if (meta.grade && !(typeof meta.points === "number" && meta.points > 0)) problems.push(`${where}: a grade cell needs points > 0`);
    }
    const pointer = KEY_POINTER.exec(stubbed(text));
    if (pointer !== null)
      problems.push(
        `${where}: "${pointer[0]}" tells the learner where the answer keys are; learners get this text (here and from nbgrader), so leave that to the README`,
      );
    if (regions.length > 0 && !(meta?.solution === true && cell.cell_type === "code"))
      problems.push(`${where}: has a solution region but is not a code cell marked nbgrader solution: true`);
    if (meta?.solution === true && regions.length === 0)
      problems.push(`${where}: a solution cell without a // ${BEGIN} region (the whole cell would be replaced)`);
    if (meta?.solution === true && meta.grade)
      problems.push(`${where}: a solution cell cannot also be a grade cell here (the check belongs in its own locked cell)`);
    if (cell.cell_type === "code" && CHECK_CALL.test(text) && !(meta?.grade === true && meta.locked === true && meta.solution === false)) {
      problems.push(`${where}: calls nn.exercises.check… but is not a locked grade cell (grade: true, locked: true, solution: false)`);
    }
  });
  return problems;
}

/** The student version of a source (answer key) notebook; `file` names it in errors. */
export function studentVersion(source: Notebook, file: string): Notebook {
  const problems = sourceProblems(source);
  if (problems.length > 0) throw new DataError(`${file} is not a valid exercise source notebook:\n  ${problems.join("\n  ")}`);
  const nb = JSON.parse(JSON.stringify(source)) as Notebook;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
    if (nbgraderOf(cell)?.solution === true) cell.source = sourceLines(stubbed(cellSource(cell)));
  }
  return nb;
}

/** Text as the list of lines Jupyter writes: each line keeps its "\n" but the last. */
export function sourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== "");
}

/** A notebook as Jupyter saves it: JSON indented by one space, non-ASCII kept, a final newline. */
export function notebookText(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** Replaces each region by the stub, indented like its BEGIN line. */
export function stubbed(text: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split("\n")) {
    if (line.includes(BEGIN)) {
      inside = true;
      const indent = /^\s*/.exec(line)?.[0] ?? "";
      out.push(`${indent}// YOUR CODE HERE`, `${indent}throw new Error("not implemented: ${labelOf(line)}");`);
    } else if (line.includes(END)) {
      inside = false;
    } else if (!inside) {
      out.push(line);
    }
  }
  return out.join("\n");
}

/** The label after BEGIN SOLUTION, e.g. "Linear.forward". */
function labelOf(line: string): string {
  return line.slice(line.indexOf(BEGIN) + BEGIN.length).trim();
}

/** The labels of a cell's regions; unbalanced, nested or unlabelled regions are added to `problems`. */
function regionLabels(text: string, where: string, problems: string[]): string[] {
  const labels: string[] = [];
  let open: string | null = null;
  for (const line of text.split("\n")) {
    if (line.includes(BEGIN)) {
      if (open !== null) problems.push(`${where}: "${BEGIN}" inside the region "${open}" (regions cannot nest)`);
      open = labelOf(line);
      if (!/^[\w.]+$/.test(open)) problems.push(`${where}: "${line.trim()}" needs a label, e.g. "// ${BEGIN} Linear.forward" (it names the stub's error)`);
      labels.push(open);
    } else if (line.includes(END)) {
      if (open === null) problems.push(`${where}: "${END}" without a "${BEGIN}"`);
      open = null;
    }
  }
  if (open !== null) problems.push(`${where}: the region "${open}" has no "${END}"`);
  return labels;
}
