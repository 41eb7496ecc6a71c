// The parts of the .ipynb format (nbformat 4) the grader reads (to collect a learner's code),
// and nbgrader's cell metadata (schema version 3). Writing notebooks is tooling (tools/).
import * as fs from "fs";
import { DataError } from "../errors";

/** nbgrader's per-cell metadata, schema version 3. */
export interface NbgraderMeta {
  grade: boolean;
  solution: boolean;
  locked: boolean;
  schema_version: number;
  grade_id?: string;
  points?: number;
  task?: boolean;
}

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: { nbgrader?: NbgraderMeta; [key: string]: unknown };
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Reads and parses a notebook file; a file that is not one is a DataError naming it. */
export function readNotebook(file: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new DataError(`${file} is not a readable notebook (${(err as Error).message})`);
  }
  const nb = parsed as Partial<Notebook> | null;
  if (nb === null || typeof nb !== "object" || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new DataError(`${file} is not an nbformat 4 notebook (no "cells" list or another nbformat)`);
  }
  return nb as Notebook;
}

/** A cell's source as one string (the format allows a string or a list of lines). */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

export function nbgraderOf(cell: NotebookCell): NbgraderMeta | undefined {
  return cell.metadata?.nbgrader;
}
