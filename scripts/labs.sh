#!/usr/bin/env bash
# Runs every lab end to end: set-up, then each notebook in order, headless, with HTML
# reports and an index in outputs/reports/; then a check of the reports and of the chart
# pages in graphs_exp/ in a headless browser, which also saves each chart as a PNG. Arguments go to the runner, e.g. --profile quick.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh"
source "$ROOT/scripts/common.sh" # again: the set-up may have just made the venv
PYTHON="$(find_jupyter_python)"
"$PYTHON" "$ROOT/scripts/run_notebooks.py" "$@"
cd "$ROOT"
node scripts/check_reports.mjs outputs/reports
# The chart pages: checked, and each saved as a PNG beside it, in one visit per page.
node scripts/check_reports.mjs graphs_exp outputs/reports/screenshots/graphs_exp --png
