#!/usr/bin/env bash
# Opens the notebooks for step-through with the tslab kernel registered: JupyterLab from
# the project venv (or, with NNFS_JUPYTER=system, Debian's Jupyter Notebook). Extra
# arguments go to Jupyter (e.g. --port 8890).
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh"
source "$ROOT/scripts/common.sh" # again: the set-up may have just made the venv
cd "$ROOT/notebooks"
extra=()
[ "$(id -u)" -eq 0 ] && extra+=(--allow-root)
if jupyter lab --version >/dev/null 2>&1; then
  exec jupyter lab "${extra[@]}" "$@"
fi
exec jupyter notebook "${extra[@]}" "$@"
