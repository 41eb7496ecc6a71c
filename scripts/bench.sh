#!/usr/bin/env bash
# npm run bench [-- matmul | ae]: set-up, then the speed comparison with NumPy.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh" --bench
source "$ROOT/scripts/common.sh" # again: the set-up may have just made the venv
exec node "$ROOT/scripts/bench/run.mjs" "$@"
