// A small HTML table for results in notebooks and reports (numbers formatted, text escaped).

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

function formatCell(value: string | number): string {
  if (typeof value === "string") return escapeHtml(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toFixed(4) : value.toExponential(3);
}

/** One row per object; the columns are the keys of the first row, in order. */
export function htmlTable(rows: ReadonlyArray<Record<string, string | number>>): string {
  if (rows.length === 0) return "<p>(no rows)</p>";
  const columns = Object.keys(rows[0]);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((row) => `<tr>${columns.map((c) => `<td>${c in row ? formatCell(row[c]) : ""}</td>`).join("")}</tr>`).join("\n");
  return `<table class="nnfs-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
