"""Loads an .npz with NumPy and prints, per array, its dtype, shape and values as JSON,
so a test can compare them with what was written. With --write FILE, instead writes a
compressed .npz of known arrays for the reverse check.

Usage: python3 check_npz.py FILE | python3 check_npz.py --write FILE
"""
import json
import sys

import numpy as np

if sys.argv[1] == "--write":
    np.savez_compressed(sys.argv[2], f=np.arange(6, dtype="<f4").reshape(2, 3) / 4, i=np.array([-1, 7], "<i4"),
                        d=np.array([0.1, 2.5]), s=np.array("héllo"), u=np.array([0, 255], "|u1"))
else:
    with np.load(sys.argv[1]) as z:
        print(json.dumps({k: {"dtype": z[k].dtype.str, "shape": list(z[k].shape), "values": z[k].ravel().tolist()}
                          for k in z.files}))
