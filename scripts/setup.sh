#!/usr/bin/env bash
# Installs what the labs and tests need, skipping what is already there: the Python side
# (Jupyter, papermill, nbgrader, NumPy, scikit-learn) in a project venv from the pinned
# requirements.txt, or Debian's packages with NNFS_JUPYTER=system; system libraries from
# apt when root (or passwordless sudo) is there; npm packages, the compiled lib and a
# project-local tslab kernel spec. Nothing needs root but apt. Safe to re-run; every other
# script calls it first.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

# System libraries from apt, used when root is there: a compiler for the native backend
# and OpenBLAS, which it links when the venv's scipy-openblas32 is not there (without
# either, the WebAssembly backend runs), the Fashion-MNIST files
# (else Lab 2 downloads them), Chromium for PNG copies of the charts and the browser
# tests. On the system route also Debian's Jupyter and NumPy, with --test scikit-learn,
# with --bench umap-learn.
APT_PACKAGES=(libopenblas-dev g++ make dataset-fashion-mnist chromium)
if [ "$NNFS_JUPYTER" = system ]; then
  APT_PACKAGES+=(jupyter-nbconvert jupyter-client python3-nbclient jupyter-notebook python3-numpy)
  if [ "${1:-}" = "--test" ]; then APT_PACKAGES+=(python3-sklearn); fi
  if [ "${1:-}" = "--bench" ]; then APT_PACKAGES+=(umap-learn); fi
fi

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
      say "missing Debian packages, not installed (no root): $missing"
      say "without them the WebAssembly backend runs and the browser checks cannot; to add them:"
      say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
      return 0
    fi
  fi
  say "installing Debian packages: $missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# What the venv holds: the pins, the papermill translator's sources, the Python version.
venv_fingerprint() {
  { cat requirements.txt scripts/papermill_typescript/*.py scripts/papermill_typescript/pyproject.toml
    .venv/bin/python -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

pip_quietly() {
  # Shows pip's errors, not its notes about this machine's unused local package folders.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2> >(grep -v "^WARNING: Location" >&2)
}

ensure_venv() {
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "the project venv needs python3 >= 3.11 (found: $(python3 --version 2>&1 || echo none))"
    return 1
  fi
  [ -x .venv/bin/python ] || { say "making the project venv (.venv)"; python3 -m venv .venv || return 1; }
  if [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$(venv_fingerprint)" ]; then return 0; fi
  rm -f "$VENV_STAMP"
  say "installing the Python side into .venv from requirements.txt (pip; a few minutes the first time)"
  pip_quietly -r requirements.txt || return 1
  # Built from a copy, so that no build folders appear in the checkout.
  local src
  src="$(mktemp -d)"
  cp -r scripts/papermill_typescript "$src/"
  pip_quietly --no-deps --no-build-isolation "$src/papermill_typescript" || { rm -rf "$src"; return 1; }
  rm -rf "$src"
  venv_fingerprint > "$VENV_STAMP"
}

# The venv route (default), or Debian's Jupyter with NNFS_JUPYTER=system.
ensure_python_side() {
  if [ "$NNFS_JUPYTER" = venv ]; then
    if ensure_venv; then
      source "$ROOT/scripts/common.sh" # now NNFS_PYTHON and PATH point into the venv
      return 0
    fi
    say "the project venv could not be set up (see above). Where the Python package index cannot be"
    say "reached, use Debian's Jupyter instead (as root or with sudo): NNFS_JUPYTER=system npm test"
    exit 1
  fi
  if [ "$NNFS_JUPYTER" != system ]; then
    say "NNFS_JUPYTER must be venv (default) or system (got \"$NNFS_JUPYTER\")"
    exit 1
  fi
  if ! find_jupyter_python >/dev/null; then
    say "NNFS_JUPYTER=system: Debian's Jupyter (nbclient + nbconvert) is not installed, and apt-get could not install it here."
    say "Use the project venv instead (the default): run this command again without NNFS_JUPYTER."
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

# Removes compiled files whose source is gone (moved or deleted): tsc never does, and the
# engine's dist must hold only the engine.
prune_compiled() {
  local src="$1" out="$2" f rel
  [ -d "$out" ] || return 0
  while IFS= read -r -d '' f; do
    rel="${f#"$out"/}"
    rel="${rel%.map}"
    case "$rel" in *.d.ts) rel="${rel%.d.ts}" ;; *.js) rel="${rel%.js}" ;; *) continue ;; esac
    [ -f "$src/$rel.ts" ] || rm -f "$f"
  done < <(find "$out" -type f -print0)
  find "$out" -mindepth 1 -type d -empty -delete
}

build_lib() {
  say "building lib and tools (tsc)"
  npx tsc -p lib
  npx tsc -p tools
  prune_compiled lib/src lib/dist
  prune_compiled tools/src tools/dist
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
ensure_python_side
ensure_npm_packages
build_lib
ensure_fashion_data
create_student_notebooks
register_kernel
mkdir -p outputs saved_models graphs_exp data
if [ "$NNFS_JUPYTER" = venv ]; then route="the project venv (.venv, from requirements.txt)"; else route="Debian's packages (NNFS_JUPYTER=system)"; fi
say "ready: Jupyter from $route, Python $NNFS_PYTHON, kernel spec .jupyter/kernels/tslab"
