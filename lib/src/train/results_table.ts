// Grid-search results as an arquero table (shown in the notebook, saved as CSV).
// NOTE: arquero 8 is an ES module; this CommonJS build loads it with require(), which
// Node supports from 20.19 (hence "engines" in package.json).
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { writeFileAtomic } from "../paths";
import type { AeGridRun } from "./grid_search";

/** One row per run, in run order. */
export function gridResultsTable(runs: AeGridRun[]): ColumnTable {
  return aq.from(runs.map((r) => ({ ...r.row })));
}

/** Writes a table as CSV, atomically. */
export function saveCsv(table: ColumnTable, file: string): void {
  writeFileAtomic(file, table.toCSV() + "\n");
}

/** An HTML rendering for notebooks: numbers rounded, every row shown. */
export function tableHtml(table: ColumnTable): string {
  return table.toHTML({ limit: Infinity, format: { bestValRecon: { digits: 5 }, worstSpike: { digits: 2 }, trainSeconds: { digits: 1 } } });
}
