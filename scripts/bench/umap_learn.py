"""Child of run.mjs: umap-learn (from the project venv, or Debian's package) on the
benchmark input, with the same settings as lib's UMAP: 15 neighbours, min_dist 0.1.
Fits twice: the first call compiles umap's numba code, the second is the warm time.

Usage: python3 umap_learn.py INPUT.npz EMBEDDING_OUT.npz  ->  one JSON line
"""
import json
import resource
import sys
import time

import numpy as np
import umap


def main():
    z = np.load(sys.argv[1])["Z"]
    times = []
    for _ in range(2):
        started = time.perf_counter()
        embedding = umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(z)
        times.append(time.perf_counter() - started)
    np.savez(sys.argv[2], embedding=embedding.astype("<f4"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_seconds": times[0], "seconds": times[1], "peak_rss_mb": peak, "version": umap.__version__}))


if __name__ == "__main__":
    main()
