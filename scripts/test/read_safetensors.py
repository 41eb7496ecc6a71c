"""Reads a safetensors file with nothing but the standard library and NumPy, as a check
that nnfs checkpoints are readable outside nnfs. Prints one JSON object:
{"metadata": {...}, "tensors": {name: {"shape": [...], "sum": float, "first": [up to 5 values]}}}

Usage: python3 read_safetensors.py FILE
"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_len])
    data = raw[8 + header_len:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", entry["dtype"]
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
    return metadata, tensors


if __name__ == "__main__":
    metadata, tensors = read(sys.argv[1])
    summary = {name: {"shape": list(t.shape), "sum": float(t.astype(np.float64).sum()), "first": t.ravel()[:5].tolist()}
               for name, t in tensors.items()}
    print(json.dumps({"metadata": metadata, "tensors": summary}))
