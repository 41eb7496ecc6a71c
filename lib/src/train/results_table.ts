// Grid-search results as an arquero table (shown in the notebook, saved as CSV).
// NOTE: arquero 8 is an ES module; this CommonJS build loads it with require(), which
// Node supports from 20.19 (hence "engines" in package.json).
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { writeFileAtomic } from "../paths";
import type { AeGridRow, AeGridRun } from "./grid_search";

/** The columns of the results table (and its CSV), in order. */
export const GRID_COLUMNS: ReadonlyArray<keyof AeGridRow> = [
  "run",
  "encDims",
  "decDims",
  "latent",
  "activation",
  "batchNorm",
  "lr",
  "weightDecay",
  "dropout",
  "status",
  "bestEpoch",
  "epochsRun",
  "bestValRecon",
  "worstSpike",
  "stable",
  "trainSeconds",
  "note",
];

/** One row per run, in run order, the columns in GRID_COLUMNS' order (a row without dropout has 0). */
export function gridResultsTable(runs: AeGridRun[]): ColumnTable {
  return aq.from(
    runs.map((r) => {
      const row: Record<string, unknown> = { ...r.row, dropout: r.row.dropout ?? 0 };
      return Object.fromEntries(GRID_COLUMNS.map((c) => [c, row[c]]));
    }),
  );
}

/** Writes a table as CSV, atomically. */
export function saveCsv(table: ColumnTable, file: string): void {
  writeFileAtomic(file, table.toCSV() + "\n");
}

/** An HTML rendering for notebooks: numbers rounded, every row shown. */
export function tableHtml(table: ColumnTable): string {
  return table.toHTML({ limit: Infinity, format: { bestValRecon: { digits: 5 }, worstSpike: { digits: 2 }, trainSeconds: { digits: 1 } } });
}
