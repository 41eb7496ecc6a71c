"""One epoch of the benchmark autoencoder, written by hand in NumPy: the reference the
TypeScript engine is compared with (npm run bench). Same model and work per step as
lib's Autoencoder + fit: 784-256-128-256-784, ReLU hidden layers, sigmoid output, MSE
averaged over all pixels, plain SGD, batch 128, a fresh shuffle each epoch, float32.

Usage: python3 ae_numpy.py ROWS SEED  ->  one JSON line {"seconds", "loss", "peak_rss_mb", "numpy", "kernel", "detail"}
"""
import json
import resource
import sys
import time

import numpy as np

from numpy_blas import numpy_blas

DIMS = [784, 256, 128, 256, 784]
BATCH = 128
LR = np.float32(0.1)


def init(rng):
    """He-normal weights and zero biases, as lib's init "he"."""
    weights = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32) for a, b in zip(DIMS, DIMS[1:])]
    biases = [np.zeros(b, np.float32) for b in DIMS[1:]]
    return weights, biases


def epoch(x, weights, biases, rng):
    n = x.shape[0]
    order = rng.permutation(n)
    total = 0.0
    last = len(weights) - 1
    for start in range(0, n, BATCH):
        xb = x[order[start:start + BATCH]]
        # Forward: keep each layer's input for the weight gradients.
        inputs = [xb]
        h = xb
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = h @ w
            z += b
            if i < last:
                np.maximum(z, 0, out=z)
            else:
                z = 1.0 / (1.0 + np.exp(-z))
            h = z
            inputs.append(h)
        y = h
        diff = y - xb
        total += float(np.dot(diff.ravel(), diff.ravel())) / diff.size * xb.shape[0]
        # Backward: MSE over all pixels, then sigmoid, then each Linear and ReLU.
        d = diff * (2.0 / diff.size)
        d *= y * (1.0 - y)
        for i in range(last, -1, -1):
            h_in = inputs[i]
            dw = h_in.T @ d
            db = d.sum(axis=0)
            if i > 0:
                d = d @ weights[i].T
                d *= h_in > 0
            weights[i] -= LR * dw
            biases[i] -= LR * db
    return total / n


def main():
    rows, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    x = rng.random((rows, DIMS[0]), dtype=np.float32)
    weights, biases = init(rng)
    epoch(x[:1280], weights, biases, rng)  # warm-up: first calls into BLAS and allocator
    started = time.perf_counter()
    loss = epoch(x, weights, biases, rng)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    blas = numpy_blas()
    print(json.dumps({"seconds": seconds, "loss": loss, "peak_rss_mb": peak, "numpy": np.__version__, "kernel": blas["kernel"], "detail": blas["detail"]}))


if __name__ == "__main__":
    with np.errstate(over="ignore"):  # exp(-z) overflows to inf for very negative z; 1/(1+inf) = 0 is right
        main()
