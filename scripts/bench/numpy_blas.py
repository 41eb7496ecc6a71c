"""Which BLAS NumPy runs here and with which kernel, for the benchmark's tables (through
threadpoolctl, which asks the loaded library itself)."""
import numpy as np


def numpy_blas():
    """{"numpy", "library", "kernel", "threads", "detail"}: NumPy's version and its BLAS."""
    info = {"numpy": np.__version__, "library": None, "kernel": None, "threads": None}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["detail"] = f"NumPy {np.__version__} (BLAS kernel unknown: threadpoolctl is not installed)"
        return info
    blas = next((p for p in threadpool_info() if p.get("user_api") == "blas"), None)
    if blas is not None:
        name = {"openblas": "OpenBLAS", "mkl": "oneMKL", "blis": "BLIS"}.get(blas.get("internal_api"), blas.get("internal_api"))
        info.update(library=f"{name} {blas.get('version')}", kernel=blas.get("architecture"), threads=blas.get("num_threads"))
    info["detail"] = f"NumPy {np.__version__}, {info['library']}, kernel {info['kernel']}, {info['threads']} threads"
    return info
