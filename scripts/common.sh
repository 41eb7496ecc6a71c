# Shared by the scripts: the project root, the project-local Jupyter path, and the
# Python that has Jupyter's nbclient/nbconvert. Source it; it runs nothing by itself.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Quiets a debugger warning the system Python prints when Jupyter starts kernels.
export PYDEVD_DISABLE_FILE_VALIDATION=1
export JUPYTER_PATH="$ROOT/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Debian's Jupyter packages are seen only by the system Python; elsewhere python3 on PATH.
find_jupyter_python() {
  local candidate
  for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c "import nbclient, nbconvert, nbformat" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
