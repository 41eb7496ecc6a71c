# Builds nnfs_blas.node, the native backend: a thin N-API wrapper around a CBLAS plus
# float32 element-wise loops. Built by scripts/build-native.sh, which chooses the CBLAS:
# with NNFS_SCIPY_OPENBLAS set (the scipy-openblas32 wheel's folder in the project venv)
# its libscipy_openblas.so, found at run time through the rpath; else the system's
# (OpenBLAS on Linux, Accelerate on macOS). -fno-trapping-math lets GCC vectorise loops
# with selects (ReLU, clamping); nothing here relies on floating-point traps.
{
  "variables": {
    "scipy_openblas%": "<!(node -p \"process.env.NNFS_SCIPY_OPENBLAS || ''\")",
    "scipy_openblas_rpath%": "<!(node -p \"process.env.NNFS_SCIPY_OPENBLAS_RPATH || ''\")"
  },
  "targets": [
    {
      "target_name": "nnfs_blas",
      "sources": ["blas.cc", "elementwise.cc", "batchnorm.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-fno-trapping-math"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["NNFS_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"]
        }],
        ["OS!='mac' and scipy_openblas!=''", {
          "defines": ["NNFS_SCIPY_OPENBLAS"],
          "include_dirs": ["<(scipy_openblas)/include"],
          "libraries": ["-L<(scipy_openblas)/lib", "-lscipy_openblas", "-ldl"],
          "ldflags": ["-Wl,-rpath,'$$ORIGIN/<(scipy_openblas_rpath)'", "-Wl,-rpath,<(scipy_openblas)/lib"]
        }],
        ["OS!='mac' and scipy_openblas==''", {
          "libraries": ["-lopenblas", "-ldl"]
        }]
      ]
    }
  ]
}
