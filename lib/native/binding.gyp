# Builds nnfs_blas.node, the native matmul backend: a thin N-API wrapper around the
# system CBLAS (OpenBLAS on Linux, Accelerate on macOS). Built by scripts/build-native.sh.
{
  "targets": [
    {
      "target_name": "nnfs_blas",
      "sources": ["blas.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O2"],
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
