// What the nbgrader end-to-end tests share: a course folder laid out from the answer keys
// (scripts/nbgrader_course.mjs), the nbgrader runner, the checks of the released student
// version, the students' submissions typed into it, the scores read from the gradebook, the
// autograded cells (no stderr, error outputs) and the feedback pages.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, jupyterPython, missing, scratchDir } from "./support.mjs";

export const COURSE_SCRIPT = path.join(ROOT, "scripts", "nbgrader_course.mjs");
export const KEYS = path.join(ROOT, "notebooks", "exercises", "solutions");
/** The stub of notebooks/exercises/nbgrader_config.py, as it appears in a released cell. */
export const STUB = /^([ \t]*)\/\/ YOUR CODE HERE\n[ \t]*throw new Error\("not implemented"\);$/gm;

export const source = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
export const readNotebook = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

/** The released notebook with `answers` typed in place of its stubs, in order (what a student saves). */
export function typedInto(released, answers) {
  const nb = JSON.parse(JSON.stringify(released));
  let next = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code" || !cell.metadata.nbgrader?.solution) continue;
    cell.source = source(cell).replace(STUB, (_, indent) =>
      answers[next++]
        .split("\n")
        .map((l) => indent + l)
        .join("\n"),
    );
  }
  assert.equal(next, answers.length, "one answer per stub");
  return nb;
}

/** Visible text of an HTML page: tags dropped, entities decoded, white space collapsed. */
export function pageText(html) {
  const entities = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) => entities[e])
    .replace(/\s+/g, " ");
}

/** Whether line `i` of a cell lies inside a `// BEGIN SOLUTION` … `// END SOLUTION` region (the delimiters count as inside). */
export function insideRegion(lines, i) {
  let inside = false;
  for (let j = 0; j <= i; j++) {
    if (lines[j].includes("BEGIN SOLUTION")) inside = true;
    else if (lines[j].includes("END SOLUTION")) {
      if (j === i) return true;
      inside = false;
    }
  }
  return inside;
}

// Scores from the gradebook, per student: the total, and per notebook each check cell's score.
const GRADEBOOK_QUERY = `
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    out = {}
    for student in gb.students:
        sub = gb.find_submission(sys.argv[2], student.id)
        out[student.id] = {
            "score": sub.score, "max": sub.max_score, "manual": sub.needs_manual_grade,
            "cells": {nb.name: {g.name: g.score for g in nb.grades} for nb in sub.notebooks},
        }
    print(json.dumps(out))
`;

/**
 * A course folder with `exercises` (e.g. ["E1", "E2"]) as `assignment`, laid out by
 * scripts/nbgrader_course.mjs; its source/ must hold exactly `notebooks`. Null (with `t`
 * skipped, or failed under CI=true) when Jupyter or nbgrader is missing.
 */
export function layOutCourse(t, { assignment, exercises, notebooks }) {
  let python;
  try {
    python = jupyterPython();
  } catch {
    missing(t, "Jupyter (nbclient, nbconvert)", "bash scripts/setup.sh makes the project venv");
    return null;
  }
  if (spawnSync(python, ["-c", "import nbgrader"]).status !== 0) {
    missing(t, "nbgrader", "bash scripts/setup.sh installs it into the project venv (requirements.txt)");
    return null;
  }
  const course = new Course(python, assignment, notebooks);
  // The course folder, as the instructor lays it out.
  const laidOut = spawnSync(process.execPath, [COURSE_SCRIPT, course.dir, "--assignment", assignment, ...exercises], { encoding: "utf8" });
  assert.equal(laidOut.status, 0, laidOut.stderr);
  assert.deepEqual(fs.readdirSync(course.path("source")).sort(), notebooks);
  return course;
}

class Course {
  constructor(python, assignment, notebooks) {
    this.python = python;
    this.assignment = assignment;
    this.notebooks = notebooks;
    this.dir = scratchDir("nnfs-nbgrader-");
    // nbgrader runs alembic from PATH. JUPYTER_PATH is left out: the track's config adds the
    // project's kernel spec itself, and this proves it does.
    const { JUPYTER_PATH: _, ...env } = process.env;
    env.PATH = `${path.dirname(python)}${path.delimiter}${process.env.PATH}`;
    this.env = env;
    /** Released notebooks by file name, once release() ran. */
    this.released = {};
    /** Student ids, once submit() ran. */
    this.students = [];
  }

  /** `step` of the course (source, release, submitted, autograded, feedback), for this assignment, and a student where it has one. */
  path(step, student, file) {
    return path.join(this.dir, step, ...(student === undefined ? [] : [student]), this.assignment, ...(file === undefined ? [] : [file]));
  }

  /** Runs `nbgrader ...args` in the course folder; fails the test unless it exits 0. */
  nbgrader(...args) {
    const run = spawnSync(this.python, ["-m", "nbgrader", ...args], { cwd: this.dir, env: this.env, encoding: "utf8", timeout: 240_000 });
    assert.equal(run.status, 0, `nbgrader ${args.join(" ")}:\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  /**
   * `nbgrader generate_assignment`, and the student version checked: the notebooks and nothing
   * else, stubs in place of every solution region (`stubs[file]` of them), no outputs, and no
   * word of the answer key, nor where it is.
   */
  release(stubs) {
    this.nbgrader("generate_assignment", this.assignment);
    return this.checkRelease(stubs);
  }

  /** The checks of release() on the student version as it is in release/. */
  checkRelease(stubs) {
    assert.deepEqual(fs.readdirSync(this.path("release")).sort(), this.notebooks);
    for (const file of this.notebooks) {
      const text = fs.readFileSync(this.path("release", undefined, file), "utf8");
      const nb = (this.released[file] = JSON.parse(text));
      const key = readNotebook(path.join(KEYS, file));
      assert.doesNotMatch(text, /solutions\/|answer[ -]?key|BEGIN SOLUTION|END SOLUTION/i, `${file}: points at the solutions`);
      // Every line of the key's solution regions, unless the text around the regions has it too.
      const keyLines = (inside) =>
        key.cells.flatMap((c) =>
          source(c)
            .split("\n")
            .filter((_, i, lines) => inside === insideRegion(lines, i))
            .map((l) => l.trim()),
        );
      const around = keyLines(false).join("\n");
      const releasedText = nb.cells.map(source).join("\n");
      const leaked = keyLines(true).filter((l) => l !== "" && !around.includes(l) && releasedText.includes(l));
      assert.deepEqual(leaked, [], `${file}: solution code in the student version`);
      const count = nb.cells.map((c) => [...source(c).matchAll(STUB)].length).reduce((a, b) => a + b, 0);
      assert.equal(count, stubs[file], `${file}: one stub per solution region`);
      assert.ok(
        nb.cells.every((c) => (c.outputs ?? []).length === 0),
        `${file}: released with outputs`,
      );
    }
    return this.released;
  }

  /** Writes each student's submission: `answers[file]` typed into the released notebooks, or (null) the stubs untouched. */
  submit(students) {
    for (const [student, answers] of Object.entries(students)) {
      fs.mkdirSync(this.path("submitted", student), { recursive: true });
      for (const file of this.notebooks) {
        const nb = answers === null ? this.released[file] : typedInto(this.released[file], answers[file]);
        fs.writeFileSync(this.path("submitted", student, file), JSON.stringify(nb, null, 1));
      }
      this.students.push(student);
    }
  }

  /** `nbgrader autograde`, then the scores from the gradebook: per student the total, its max, and per notebook each check cell's. */
  autograde() {
    this.nbgrader("autograde", this.assignment);
    const query = spawnSync(this.python, ["-c", GRADEBOOK_QUERY, path.join(this.dir, "gradebook.db"), this.assignment], { env: this.env, encoding: "utf8" });
    assert.equal(query.status, 0, query.stderr);
    return JSON.parse(query.stdout);
  }

  /** The code cells of a student's autograded notebook. */
  cellsOf(student, file) {
    return readNotebook(this.path("autograded", student, file)).cells.filter((c) => c.cell_type === "code");
  }

  /** The autograded check cell `id` of a student's notebook. */
  check(student, file, id) {
    const cell = this.cellsOf(student, file).find((c) => c.metadata.nbgrader?.grade_id === id);
    assert.ok(cell, `${student} ${file}: no cell ${id}`);
    return cell;
  }

  /**
   * What the autograder saw: checks report on stdout and fail with an error output; nothing on
   * stderr in any cell of any student, which would cost a passing check its points.
   */
  assertNoStderr() {
    for (const student of this.students) {
      for (const file of this.notebooks) {
        for (const cell of this.cellsOf(student, file)) {
          const stderr = cell.outputs.filter((o) => o.output_type === "stream" && o.name === "stderr");
          assert.deepEqual(stderr, [], `${student} ${file} ${cell.metadata.nbgrader?.grade_id}: wrote to stderr`);
        }
      }
    }
  }

  /** `nbgrader generate_feedback`: one page per notebook and student. */
  feedback() {
    this.nbgrader("generate_feedback", this.assignment);
  }

  /** Fails unless the visible text of a student's feedback page on `file` matches every pattern. */
  shows(student, file, ...patterns) {
    const page = pageText(fs.readFileSync(this.path("feedback", student, file.replace(/\.ipynb$/, ".html")), "utf8"));
    for (const p of patterns) assert.ok(p.test(page), `${student}'s feedback on ${file} does not show ${p}; its scores: ${page.match(/\(Score: [^)]*\)/g)}`);
  }
}

/** A cell's error output, if it has one. */
export const errorOf = (cell) => cell.outputs.find((o) => o.output_type === "error");
