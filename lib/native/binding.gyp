# Builds nnfs_blas.node, the native backend: a thin N-API wrapper around the system CBLAS
# (OpenBLAS on Linux, Accelerate on macOS) plus float32 element-wise loops. Built by
# scripts/build-native.sh. -fno-trapping-math lets GCC vectorise loops with selects
# (ReLU, clamping); nothing here relies on floating-point traps.
{
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
        }, {
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
