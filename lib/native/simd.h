// On x86-64 Linux, the hot loops are compiled twice, for AVX2 and for the baseline
// (SSE2), and the loader picks the one the CPU supports (GCC function multiversioning).
#ifndef NNFS_SIMD_H
#define NNFS_SIMD_H
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define NNFS_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NNFS_SIMD_CLONES
#endif
#endif
