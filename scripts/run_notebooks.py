#!/usr/bin/env python3
"""Executes the lab notebooks (and the exercises' answer keys) headless on the tslab kernel and writes HTML reports.

Parameters the papermill way: each lab declares its parameters with `let` in a cell tagged
"parameters"; `-p dataset mnist` adds a cell tagged "injected-parameters" after it that
assigns the new values, as papermill does. Names and values are checked before any cell runs.

Stops at the first failing cell and prints that cell's source, stderr and error (tslab,
as patched by this project, reports thrown errors and type errors as error outputs).
Executed copies and reports go to outputs/reports/ (never back into notebooks/, which
stay committed without outputs).
"""
import argparse
import datetime
import html
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Quiets a debugger warning the system Python prints when it starts the kernel manager.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402  (after the environment is set)
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402
from jupyter_client.kernelspec import NoSuchKernel  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run, in order (default: notebooks/*.ipynb, then notebooks/exercises/solutions/*.ipynb)")
    parser.add_argument("--profile", choices=["quick", "full"],
                        default=os.environ.get("LABS_PROFILE") or "full",
                        help="LABS_PROFILE seen by the notebooks (default: $LABS_PROFILE or full)")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run before it counts as failed (default 1800)")
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "reports",
                        help="folder for executed notebooks and HTML reports")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML reports")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a lab parameter, e.g. -p dataset mnist (papermill's convention)")
    return parser.parse_args(argv)


def parameter_plan(values: dict, notebooks, check: bool = True) -> dict:
    """What the notebooks get for these -p values, from the one module that knows the lab
    parameters (tools/src/lab_parameters.ts, through scripts/lab_parameters.mjs): the checked
    values, the run's dataset, and each notebook's injected cell. check=False writes the values
    as given (a list of injections only). Exits with a message naming a bad name or value.
    """
    mode = "plan" if check else "inject"
    out = subprocess.run(["node", str(ROOT / "scripts" / "lab_parameters.mjs"), mode, json.dumps(values), *map(str, notebooks)],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr.strip() or out.stdout.strip())
    return json.loads(out.stdout)


def inject_parameters(nb, injection: dict) -> list:
    """Adds the planned injected-parameters cell after the parameters cell; returns the names it set.

    The cell is the one papermill writes with scripts/papermill_typescript (a test compares
    them): a comment line, then `name = value;` for each value, in the order given.
    """
    if not injection["names"]:
        return []
    cell = nbformat.v4.new_code_cell(injection["source"], metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(injection["at"] + 1, cell)
    return injection["names"]


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def notebook_client(nb, nb_path: Path, timeout: int, allow_errors: bool = False, **hooks) -> NotebookClient:
    """The nbclient client every notebook here runs under: the tslab kernel, in the notebook's folder.
    scripts/test/execute_cells.py uses it too (with allow_errors, for the student notebooks)."""
    return NotebookClient(nb, timeout=timeout, kernel_name="tslab", allow_errors=allow_errors,
                          resources={"metadata": {"path": str(nb_path.parent)}}, **hooks)


def stream_text(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def report_failure(nb_path: Path, nb, index: int, reason: str) -> None:
    cell = nb.cells[index] if 0 <= index < len(nb.cells) else None
    print(f"\nFAILED: {nb_path.name}, cell {index + 1}: {reason}", file=sys.stderr)
    if cell is not None:
        print("--- cell source ---", file=sys.stderr)
        print(cell.source, file=sys.stderr)
        err = stream_text(cell, "stderr")
        if err.strip():
            print("--- cell stderr ---", file=sys.stderr)
            print(err.rstrip(), file=sys.stderr)
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                print("--- cell error ---", file=sys.stderr)
                print("\n".join(o.get("traceback", [])), file=sys.stderr)


REPORT_TEMPLATE = ROOT / "scripts" / "report" / "report.html.j2"


def run_one(nb_path: Path, injection: dict, args) -> tuple:
    nb = nbformat.read(nb_path, as_version=4)
    injected = inject_parameters(nb, injection)
    if injected:
        print(f"       {nb_path.name}: " + ", ".join(f"{n} = {args.values[n]}" for n in injected))
    current = {"index": -1}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    client = notebook_client(nb, nb_path, args.timeout, on_cell_start=on_cell_start)
    started = time.time()
    ok = False
    try:
        client.execute()
        ok = True
    except NoSuchKernel:
        print("The tslab kernel is not registered: run `bash scripts/setup.sh` "
              "(and keep JUPYTER_PATH from scripts/common.sh).", file=sys.stderr)
        return False, 0.0
    except CellTimeoutError:
        report_failure(nb_path, nb, current["index"], f"timed out after {args.timeout} s (--timeout)")
    except CellExecutionError:
        report_failure(nb_path, nb, current["index"], "the cell raised an error")
    except DeadKernelError as err:
        report_failure(nb_path, nb, current["index"], f"the kernel died ({err})")
    seconds = time.time() - started

    # Warnings printed by cells that succeeded are worth seeing, but do not fail the run.
    for i, cell in enumerate(nb.cells):
        err = stream_text(cell, "stderr") if cell.cell_type == "code" else ""
        if ok and err.strip():
            print(f"  stderr from {nb_path.name} cell {i + 1}:\n    " + err.strip().replace("\n", "\n    "))

    args.out.mkdir(parents=True, exist_ok=True)
    executed = args.out / nb_path.name
    write_atomic(executed, nbformat.writes(nb))
    if not args.no_html:
        page, _ = HTMLExporter(template_file=str(REPORT_TEMPLATE)).from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
        write_atomic(args.out / f"{nb_path.stem}.html", page)
    print(f"{'ok' if ok else 'FAILED':6} {nb_path.name}  {seconds:6.1f} s  -> {executed.parent}/{nb_path.stem}.html")
    return ok, seconds


def backend_line() -> str:
    """What the notebooks' kernel will print as its matmul backend."""
    try:
        out = subprocess.run(["node", "-p", "require('nnfs').describeBackend()"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        return out.stdout.strip() or out.stderr.strip()
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"unknown ({err})"


def default_notebooks():
    """The labs in order, then the exercise track's answer keys (solved exercises)."""
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "exercises" / "solutions").glob("*.ipynb"))


def section_of(nb_path: Path) -> str:
    return "Exercises, solved (the answer keys)" if nb_path.parent.name == "solutions" else "Labs"


def write_index(out: Path, runs, profile: str, started: datetime.datetime, backend: str, values: dict, dataset: str) -> None:
    """outputs/reports/index.html: one link per report, grouped into labs and exercises, with how the run went."""
    rows = []
    for i, (p, ok, seconds) in enumerate(runs):
        if i == 0 or section_of(p) != section_of(runs[i - 1][0]):
            rows.append(f"<tr><th colspan=\"3\" style=\"text-align:left;padding-top:1em\">{html.escape(section_of(p))}</th></tr>")
        rows.append(f"<tr><td><a href=\"{html.escape(p.stem)}.html\">{html.escape(p.stem)}</a></td><td>{'ok' if ok else 'FAILED'}</td>"
                    f"<td style=\"text-align:right\">{seconds:.1f} s</td></tr>")
    rows = "\n".join(rows)
    total = sum(seconds for _, _, seconds in runs)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>nnfs-ts lab reports</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:2em auto}}td,th{{padding:.3em .8em;border-bottom:1px solid #ddd}}</style>
</head><body>
<h1>nnfs-ts lab reports</h1>
<p>Run {html.escape(started.strftime("%Y-%m-%d %H:%M %Z"))}, profile <b>{html.escape(profile)}</b>, dataset <b>{html.escape(dataset)}</b>, {len(runs)} notebook(s) in {total:.1f} s.<br>
{html.escape("parameters: " + ", ".join(f"{k} = {v}" for k, v in values.items())) + "<br>" if values else ""}
{html.escape(backend)}</p>
<table><tr><th>report</th><th>status</th><th>wall time</th></tr>
{rows}
</table>
<p>Each report is a single offline file; charts are interactive (plotly.js is inside the page).</p>
</body></html>
"""
    write_atomic(out / "index.html", page)


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    os.environ["LABS_PROFILE"] = args.profile
    # Training progress lines also go to this terminal (the kernel writes them to fd 2).
    os.environ.setdefault("NNFS_TERMINAL_PROGRESS", "1")
    jupyter_path = str(ROOT / ".jupyter")
    if jupyter_path not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [jupyter_path, os.environ.get("JUPYTER_PATH")]))
    notebooks = [p.resolve() for p in args.notebooks] or default_notebooks()
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        print(f"No such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not notebooks:
        print("No notebooks found in notebooks/", file=sys.stderr)
        return 2
    try:
        plan = parameter_plan(dict(args.parameter), notebooks)
        args.values = plan["values"]
    except SystemExit as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Running {len(notebooks)} notebook(s), profile {args.profile}, reports in {args.out}")
    started = time.time()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    backend = backend_line()
    runs = []
    status = 0
    for nb_path, injection in zip(notebooks, plan["notebooks"]):
        ok, seconds = run_one(nb_path, injection, args)
        runs.append((nb_path, ok, seconds))
        if not ok:
            print(f"Stopped at {nb_path.name}; later notebooks read its artifacts, so they were not run.",
                  file=sys.stderr)
            status = 1
            break
    if not args.no_html:
        write_index(args.out, runs, args.profile, started_at, backend, args.values, plan["dataset"])
    if status == 0:
        print(f"All {len(notebooks)} notebook(s) ran in {time.time() - started:.1f} s; index: {args.out / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
