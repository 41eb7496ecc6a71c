#!/usr/bin/env bash
# Builds the native backend lib/native/build/Release/nnfs_blas.node with node-gyp, linked
# against, in order: the scipy-openblas32 wheel in the project venv (a current OpenBLAS,
# the build NumPy ships; pinned in requirements.txt), else the system CBLAS (Debian's
# libopenblas-dev). Never fatal: if neither builds, lib falls back to its WebAssembly or
# TypeScript kernels and says why. NNFS_NATIVE_BLAS=system skips the venv's library.
# Skips the build when the addon is up to date and linked against the same library.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT/lib/native"
addon=build/Release/nnfs_blas.node
stamp=build/Release/blas-library.txt

case "${NNFS_NATIVE_BLAS:-auto}" in
  auto | system) ;;
  *) echo "[setup] NNFS_NATIVE_BLAS must be auto (the venv's scipy-openblas32, else the system CBLAS) or system (got \"$NNFS_NATIVE_BLAS\")"; exit 1 ;;
esac

# The wheel's folder (with include/ and lib/libscipy_openblas.so) and its version, if installed.
venv_blas() {
  [ "${NNFS_NATIVE_BLAS:-auto}" = system ] && return 1
  local so dist
  for so in "$ROOT"/.venv/lib/python3*/site-packages/scipy_openblas32/lib/libscipy_openblas.so; do
    [ -f "$so" ] || continue
    dist="$(ls -d "$(dirname "$(dirname "$(dirname "$so")")")"/scipy_openblas32-*.dist-info 2>/dev/null | head -n 1)"
    printf '%s %s\n' "$(dirname "$(dirname "$so")")" "$(basename "${dist%.dist-info}" | sed 's/^scipy_openblas32-//')"
    return 0
  done
  return 1
}

if found="$(venv_blas)"; then choice="scipy-openblas32 $found"; else choice="system"; fi
if [ -f "$addon" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$choice" ] &&
  [ -z "$(find . -maxdepth 1 \( -name "*.cc" -o -name "*.h" -o -name binding.gyp \) -newer "$addon")" ]; then
  exit 0
fi

# Build against the headers of the running Node when they sit next to it (offline), else
# let node-gyp use its own cache or download them.
args=()
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node_api.h" ]; then args+=(--nodedir="$prefix"); fi

# build LIBRARY: node-gyp rebuild against "venv" (binding.gyp reads NNFS_SCIPY_OPENBLAS*) or "system".
build() {
  local dir="" rel=""
  if [ "$1" = venv ]; then
    dir="${found% *}"
    # The loader finds the wheel through the rpath: relative to the addon first (the checkout
    # may move, .venv with it), then the absolute path.
    rel="$(realpath -s -m --relative-to="$PWD/build/Release" "$dir/lib")"
  fi
  NNFS_SCIPY_OPENBLAS="$dir" NNFS_SCIPY_OPENBLAS_RPATH="$rel" "$ROOT/node_modules/.bin/node-gyp" rebuild "${args[@]}" 2>&1
}

rm -f "$stamp"
if [ "$choice" != system ]; then
  echo "[setup] building the native BLAS backend (node-gyp) against scipy-openblas32 ${found#* } from the project venv"
  if log="$(build venv)"; then
    echo "$choice" > "$stamp"
    exit 0
  fi
  printf '%s\n' "$log" | tail -n 15
  echo "[setup] it did not build against the venv's scipy-openblas32; trying the system CBLAS"
  choice=system
fi
echo "[setup] building the native BLAS backend (node-gyp) against the system CBLAS"
if log="$(build system)"; then
  echo "$choice" > "$stamp"
else
  printf '%s\n' "$log" | tail -n 15
  echo "[setup] the native BLAS backend did not build; the labs will use the WebAssembly or TypeScript kernels."
  echo "[setup] (needs a C++ compiler, make, python3 and a CBLAS: the project venv's scipy-openblas32, or apt-get install libopenblas-dev)"
  rm -f "$addon"
fi
exit 0
