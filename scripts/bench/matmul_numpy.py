"""Child of run.mjs: NumPy's float32 matmul GFLOP/s on the given shapes, as one JSON line.
Transposed operands are passed as transposed views, as a NumPy user would write them.

Usage: python3 matmul_numpy.py SHAPES_JSON SECONDS_PER_SHAPE
"""
import json
import sys
import time

import numpy as np

from numpy_blas import numpy_blas


def measure(shape, budget, rng):
    m, n, k = shape["m"], shape["n"], shape["k"]
    a = rng.random((k, m) if shape["transA"] else (m, k), dtype=np.float32) - 0.5
    b = rng.random((n, k) if shape["transB"] else (k, n), dtype=np.float32) - 0.5
    a = a.T if shape["transA"] else a
    b = b.T if shape["transB"] else b
    out = np.empty((m, n), np.float32)
    for _ in range(3):
        np.matmul(a, b, out=out)
    calls, started, seconds = 0, time.perf_counter(), 0.0
    while seconds < budget:
        np.matmul(a, b, out=out)
        calls += 1
        seconds = time.perf_counter() - started
    return {"name": shape["name"], "gflops": 2 * m * n * k * calls / seconds / 1e9}


def main():
    shapes, budget = json.loads(sys.argv[1]), float(sys.argv[2])
    rng = np.random.default_rng(1)
    results = [measure(s, budget, rng) for s in shapes]
    blas = numpy_blas()
    print(json.dumps({"backend": "numpy", "detail": blas["detail"], "kernel": blas["kernel"], "results": results}))


if __name__ == "__main__":
    main()
