# Shared by the scripts: the project root, the project-local Jupyter path, and the Python
# of the project's Jupyter route. Source it (again after scripts/setup.sh has run, which
# may have made the venv); it runs nothing by itself.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Quiets a debugger warning the system Python prints when Jupyter starts kernels.
export PYDEVD_DISABLE_FILE_VALIDATION=1
case ":${JUPYTER_PATH:-}:" in *":$ROOT/.jupyter:"*) ;; *) export JUPYTER_PATH="$ROOT/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}" ;; esac
# Where Jupyter comes from: "venv" (default), the project's .venv made from
# requirements.txt by scripts/setup.sh; or "system", Debian's packages (apt).
export NNFS_JUPYTER="${NNFS_JUPYTER:-venv}"
# The set-up writes this stamp (a hash of what it installed) once the venv is complete.
VENV_STAMP="$ROOT/.venv/.nnfs-installed"

venv_ready() { [ "$NNFS_JUPYTER" = venv ] && [ -f "$VENV_STAMP" ]; }

# The project's Python for Jupyter, papermill, nbgrader, NumPy and scikit-learn: the
# venv's once it is ready; on the system route Debian's (apt's python3-* packages are
# seen only by /usr/bin/python3). Tests and scripts read NNFS_PYTHON.
if venv_ready; then
  case ":$PATH:" in *":$ROOT/.venv/bin:"*) ;; *) export PATH="$ROOT/.venv/bin:$PATH" ;; esac
  export NNFS_PYTHON="$ROOT/.venv/bin/python"
else
  export NNFS_PYTHON="${NNFS_SYSTEM_PYTHON:-/usr/bin/python3}"
fi

# The Python with Jupyter's nbclient/nbconvert: NNFS_PYTHON, else python3 on PATH.
find_jupyter_python() {
  local candidate
  for candidate in "$NNFS_PYTHON" python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c "import nbclient, nbconvert, nbformat" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
