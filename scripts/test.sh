#!/usr/bin/env bash
# Runs the whole test suite: set-up, compile lib and its tests, then node's test runner
# over the lib tests and the notebook tests (every notebook, quick profile).
set -euo pipefail
source "$(dirname "$0")/common.sh"
bash "$ROOT/scripts/setup.sh" --test
source "$ROOT/scripts/common.sh" # again: the set-up may have just made the venv
cd "$ROOT"
# Formatting first: Prettier, configured once in .prettierrc.json (`npm run format` applies it).
npx prettier --check . --log-level warn || { echo "[test] files not formatted as Prettier would: run npm run format"; exit 1; }
rm -rf lib/build
npx tsc -p lib/tsconfig.test.json
# Two test files at a time (node 20 runs one on a 2-core machine): most of a notebook test's
# time is one kernel or one browser busy on one core. The longest files go first.
first=(scripts/test/notebooks.test.mjs scripts/test/runner.test.mjs)
rest=()
for f in lib/build/test/*.test.js scripts/test/*.test.mjs; do
  [[ " ${first[*]} " == *" $f "* ]] || rest+=("$f")
done
# One thread per test file (OpenBLAS and the worker pools), since two run at once on two cores: OpenBLAS's
# threads spin while they wait for work, and two processes with two such threads each ran the quick Lab 2E
# 5.6x slower here (104 s instead of 18.6 s). Tests of threading set their own counts. A value you set wins.
export NNFS_THREADS="${NNFS_THREADS:-1}"
exec node --test --test-concurrency=2 "${first[@]}" "${rest[@]}" "$@"
