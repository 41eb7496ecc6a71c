"""Prints, as JSON, for each notebook given, the cell the runner injects and the cell papermill
(with scripts/papermill_typescript) injects for the same values: their index and source.
papermill is given only the values the notebook declares, as the runner injects only those
(papermill itself would inject the others too, and the notebook would not compile).

Usage: compare_injection.py VALUES_JSON NOTEBOOK...
"""
import json
import sys
from pathlib import Path

import nbformat
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from run_notebooks import inject_parameters, parameter_plan  # noqa: E402


def injected(nb):
    """The injected cell's index and source, or None when no cell was injected."""
    at = next((i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])), None)
    return None if at is None else {"index": at, "source": nb.cells[at].source}


values = json.loads(sys.argv[1])
for path, injection in zip(sys.argv[2:], parameter_plan(values, sys.argv[2:], check=False)):
    ours = nbformat.read(path, as_version=4)
    inject_parameters(ours, injection)
    mine = {name: value for name, value in values.items() if name in injection["declared"]}
    # papermill's execute_notebook parameterizes only when there are values.
    theirs = parameterize_notebook(load_notebook_node(path), mine, kernel_name="tslab", language="typescript") if mine else load_notebook_node(path)
    print(json.dumps({"notebook": Path(path).name, "runner": injected(ours), "papermill": injected(theirs)}))
