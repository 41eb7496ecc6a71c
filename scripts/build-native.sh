#!/usr/bin/env bash
# Builds the native matmul backend lib/native/build/Release/nnfs_blas.node with node-gyp
# against the system CBLAS. Never fatal: if it cannot be built, lib falls back to its
# pure-TypeScript kernels and says why. Skips the build when the addon is up to date.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT/lib/native"
addon=build/Release/nnfs_blas.node
if [ -f "$addon" ] && [ -z "$(find . -maxdepth 1 \( -name "*.cc" -o -name "*.h" -o -name binding.gyp \) -newer "$addon")" ]; then
  exit 0
fi
# Build against the headers of the running Node when they sit next to it (offline), else
# let node-gyp use its own cache or download them.
args=()
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node_api.h" ]; then args+=(--nodedir="$prefix"); fi
echo "[setup] building the native BLAS backend (node-gyp)"
if ! log="$("$ROOT/node_modules/.bin/node-gyp" rebuild "${args[@]}" 2>&1)"; then
  printf '%s\n' "$log" | tail -n 15
  echo "[setup] the native BLAS backend did not build; the labs will use the pure-TypeScript kernels."
  echo "[setup] (needs a C++ compiler, make, python3 and a CBLAS: apt-get install libopenblas-dev)"
  rm -f "$addon"
fi
exit 0
