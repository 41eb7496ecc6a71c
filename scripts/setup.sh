#!/usr/bin/env bash
# Installs what the labs and tests need, skipping what is already there: Jupyter (apt,
# on Debian/Ubuntu as root), npm packages, the compiled lib, and a project-local tslab
# kernel spec. Safe to re-run; every other script calls it first.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

# Debian packages: Jupyter to execute notebooks (nbclient/nbconvert) and to step
# through them (jupyter-notebook), OpenBLAS for the native matmul backend, the
# Fashion-MNIST files for Lab 2, Chromium to draw charts as PNG and check the reports;
# with --test also scikit-learn (a reference for trustworthiness); with --bench
# umap-learn, the reference the UMAP benchmark is compared with.
APT_PACKAGES=(jupyter-nbconvert jupyter-client python3-nbclient jupyter-notebook libopenblas-dev g++ make dataset-fashion-mnist chromium)
if [ "${1:-}" = "--test" ]; then APT_PACKAGES+=(python3-sklearn); fi
if [ "${1:-}" = "--bench" ]; then APT_PACKAGES+=(umap-learn); fi

say() { printf '[setup] %s\n' "$*"; }

check_node() {
  local version
  version="$(node -p 'process.versions.node')"
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    say "Node.js >= 20.19 is needed (found $version): later labs load ESM-only packages through require(esm)."
    exit 1
  fi
}

missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

ensure_apt_packages() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local missing
  missing="$(missing_apt_packages | tr '\n' ' ')"
  [ -n "${missing// /}" ] || return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "missing Debian packages: $missing"
      say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
      return 0
    fi
  fi
  say "installing Debian packages: $missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

check_jupyter() {
  if ! find_jupyter_python >/dev/null; then
    say "Jupyter (nbclient + nbconvert) was not found, and apt-get could not install it here."
    say "Install it with pip, then run this command again:"
    say "  python3 -m pip install jupyterlab nbclient nbconvert"
    exit 1
  fi
}

ensure_npm_packages() {
  # npm writes node_modules/.package-lock.json on install; older than the lock = stale.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_lib() {
  say "building lib (tsc)"
  npx tsc -p lib
  bash "$ROOT/scripts/build-native.sh"
  bash "$ROOT/scripts/build-wasm.sh"
}

ensure_fashion_data() {
  # Sources in order: data/, the Debian package (apt above), then the official download.
  local name=train-images-idx3-ubyte
  for f in "data/$name" "data/$name.gz" "/usr/share/datasets/fashion-mnist/$name.gz"; do
    [ -f "$f" ] && return 0
  done
  say "Fashion-MNIST not found in data/ or /usr/share/datasets/fashion-mnist: trying the official download"
  node scripts/download-data.mjs fashion || say "download failed: Lab 2 needs the files in data/ (see README, Data)"
}

create_student_notebooks() {
  # Only the missing ones: the others hold the learner's work (npm run exercises -- --reset E1 starts one over).
  node scripts/exercises.mjs --quiet
}

register_kernel() {
  # A kernel spec under .jupyter/ (found through JUPYTER_PATH, see common.sh): no global
  # install, and the path to this checkout's tslab is absolute as Jupyter requires.
  local dir="$ROOT/.jupyter/kernels/tslab"
  mkdir -p "$dir"
  node -e '
    const [file, tslab] = process.argv.slice(1);
    const spec = { argv: [tslab, "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript (tslab)", language: "typescript" };
    require("fs").writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
  ' "$dir/kernel.json" "$ROOT/node_modules/.bin/tslab"
}

check_node
ensure_apt_packages
check_jupyter
ensure_npm_packages
build_lib
ensure_fashion_data
create_student_notebooks
register_kernel
mkdir -p outputs saved_models graphs_exp data
say "ready (kernel spec: .jupyter/kernels/tslab, Python for Jupyter: $(find_jupyter_python))"
