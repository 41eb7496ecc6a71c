#!/usr/bin/env python3
"""Runs every cell of a notebook on the tslab kernel, going on after failing cells, and
prints one JSON line per code cell: its index, nbgrader grade_id, reply status, stdout,
stderr, and its error (ename, evalue and the traceback's text) if it failed.

Used by the tests of the student notebooks, where cells are expected to fail.
Usage: execute_cells.py NOTEBOOK   (the kernel runs in the notebook's folder)
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402


def main(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    statuses = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        statuses[cell_index] = execute_reply["content"]["status"]

    client = NotebookClient(nb, timeout=600, kernel_name="tslab", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}}, on_cell_executed=on_cell_executed)
    client.execute()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        stderr = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        error = {"ename": errors[0]["ename"], "evalue": errors[0]["evalue"], "text": "\n".join(errors[0]["traceback"])} if errors else None
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        grade = cell.metadata.get("nbgrader", {}).get("grade", False)
        print(json.dumps({"index": i, "grade_id": grade_id, "grade": grade, "status": statuses.get(i), "stderr": stderr, "stdout": stdout, "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
