#!/usr/bin/env bash
# Runs every lab end to end: set-up, then each notebook in order, headless, with HTML
# reports in outputs/reports/. Arguments go to the runner, e.g. --profile quick.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh"
PYTHON="$(find_jupyter_python)"
exec "$PYTHON" "$ROOT/scripts/run_notebooks.py" "$@"
