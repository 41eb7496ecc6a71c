#!/usr/bin/env bash
# Runs the whole test suite: set-up, compile lib and its tests, then node's test runner
# over the lib tests and the notebook tests (every notebook, quick profile).
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh" --test
source "$ROOT/scripts/common.sh" # again: the set-up may have just made the venv
cd "$ROOT"
rm -rf lib/build
npx tsc -p lib/tsconfig.test.json
exec node --test lib/build/test/*.test.js scripts/test/*.test.mjs "$@"
