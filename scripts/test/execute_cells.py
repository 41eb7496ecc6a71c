#!/usr/bin/env python3
"""Runs every cell of a notebook on the tslab kernel, going on after failing cells, and
prints one JSON line per code cell: its index, nbgrader grade_id, reply status, stdout,
stderr, and its error (ename, evalue and the traceback's text) if it failed.

Used by the tests of the student notebooks, where cells are expected to fail. The notebook
runs as scripts/run_notebooks.py runs it (its notebook_client), with errors allowed.
Usage: execute_cells.py NOTEBOOK   (the kernel runs in the notebook's folder)
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import nbformat  # noqa: E402
from run_notebooks import notebook_client, stream_text  # noqa: E402


def main(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    statuses = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        statuses[cell_index] = execute_reply["content"]["status"]

    notebook_client(nb, path, 600, allow_errors=True, on_cell_executed=on_cell_executed).execute()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        error = {"ename": errors[0]["ename"], "evalue": errors[0]["evalue"], "text": "\n".join(errors[0]["traceback"])} if errors else None
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        grade = cell.metadata.get("nbgrader", {}).get("grade", False)
        print(json.dumps({"index": i, "grade_id": grade_id, "grade": grade, "status": statuses.get(i),
                          "stderr": stream_text(cell, "stderr"), "stdout": stream_text(cell, "stdout"), "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
