#!/usr/bin/env bash
# npm run bench [-- matmul | ae]: set-up, then the speed comparison with NumPy.
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh" --bench
exec node "$ROOT/scripts/bench/run.mjs" "$@"
