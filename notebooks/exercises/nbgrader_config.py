# nbgrader settings for the exercise track (E0–E8): what nbgrader needs to release, run and grade
# these TypeScript notebooks on the tslab kernel. Not a course folder itself: a course folder's
# own nbgrader_config.py loads this file (scripts/nbgrader_course.mjs writes one that does), so
# the course keeps its own settings and this file stays in step with the answer keys beside it.
import os

c = get_config()  # noqa: F821 (traitlets provides get_config in config files)

# The stub nbgrader puts in place of each `// BEGIN SOLUTION … // END SOLUTION` region, chosen
# by the notebook's kernelspec.language ("typescript" in every answer key). nbgrader has none
# for TypeScript. It cannot name its region, so the grader names the method that threw it
# ("E1 · Linear: not implemented: Linear.forward"), as it does for the project's own stub.
c.ClearSolutions.code_stub = {"typescript": '// YOUR CODE HERE\nthrow new Error("not implemented");'}
# The answer keys' delimiters are nbgrader's defaults; said here so that a change is seen.
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"

# E6 writes my_layers.ts beside itself from E1–E5's solution cells: in source/ that is the answer
# key's code (after an instructor runs E6 there), and nbgrader would copy it into the release and
# into every student's autograded folder. E6 writes it anew wherever it runs, so it is never copied.
c.CourseDirectory.ignore.append("my_layers.ts")

# Autograding runs every notebook on the kernel its answer key names (tslab), a cell at a time.
# NOTE: a check cell with an error output or with anything on stderr scores 0. The checks print
# their report to stdout and fail with an error output only (patches/tslab+1.0.22.patch makes
# tslab send errors as Jupyter's error outputs and replies), so a passing check scores in full,
# unless the learner's own code calls console.error or console.warn while it is checked.
# E0–E5's, E7's and E8's checks take well under a second; E6's checks train the learner's networks (2.7 s and
# 5 s with the answer key's loops on a 2-core machine). 120 s per cell leaves room for a slow
# machine or backend and still stops an endless loop; tslab may take as long to start.
c.Execute.timeout = 120
c.Execute.startup_timeout = 120

# tslab's kernel spec lives in the project (.jupyter/kernels/tslab, made by scripts/setup.sh)
# and Jupyter finds it through JUPYTER_PATH. scripts/common.sh sets that; this makes nbgrader
# find it too when it is started some other way.
_kernels = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), ".jupyter")
if _kernels not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (_kernels, os.environ.get("JUPYTER_PATH")) if p)
