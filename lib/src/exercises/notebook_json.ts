// The parts of the .ipynb format (nbformat 4) the exercise tools read and write, and
// nbgrader's cell metadata (schema version 3).
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

/** Text as the list of lines Jupyter writes: each line keeps its "\n" but the last. */
export function sourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== "");
}

export function nbgraderOf(cell: NotebookCell): NbgraderMeta | undefined {
  return cell.metadata?.nbgrader;
}

/** A notebook as Jupyter saves it: JSON indented by one space, non-ASCII kept, a final newline. */
export function notebookText(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}
