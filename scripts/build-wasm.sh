#!/usr/bin/env bash
# Builds the WebAssembly backend lib/wasm/build/kernels.wasm from lib/wasm/*.ts with
# AssemblyScript (an npm package: no C toolchain). 128-bit SIMD, shared memory for threads.
# Never fatal: without it lib uses the TypeScript kernels and says why. Skips the build
# when the module is up to date.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT/lib/wasm"
out=build/kernels.wasm
if [ -f "$out" ] && [ -z "$(find . -maxdepth 1 -name "*.ts" -newer "$out")" ]; then exit 0; fi
mkdir -p build
echo "[setup] building the WebAssembly backend (AssemblyScript)"
if ! log="$("$ROOT/node_modules/.bin/asc" gemm.ts elementwise.ts batchnorm.ts --outFile "$out.tmp" --enable simd --enable threads --importMemory --sharedMemory \
  --initialMemory 17 --maximumMemory 16384 --runtime stub --noAssert -O3 2>&1)"; then
  printf '%s\n' "$log" | tail -n 15
  echo "[setup] the WebAssembly backend did not build; without the native one the labs will use the TypeScript kernels."
  rm -f "$out.tmp"
  exit 0
fi
mv "$out.tmp" "$out"
exit 0
