// Static PNG copies of the interactive charts: every graphs_exp/<name>.html chart page is
// drawn in headless Chromium and saved as graphs_exp/<name>.png (for slides, papers and
// the file names users expect). Skipped, with a note, where no browser is installed.
// Usage: node scripts/export_pngs.mjs [graphs_exp]
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const nn = require("nnfs");
const tools = require("nnfs-tools");
const dir = process.argv[2] ?? nn.projectPath("graphs_exp");
const pages = fs.readdirSync(dir).filter((f) => f.endsWith(".html"));
const result = await tools.exportChartPagesToPng(pages.map((f) => path.join(dir, f)));
if (result.reason) console.log(`charts not exported to PNG: ${result.reason}`);
else console.log(`exported ${result.files.length} charts to PNG in ${path.relative(process.cwd(), dir) || "."}`);
