// Helpers shared by the N-API functions of the native backend: argument checks that turn
// a wrong call into a TypeError in JavaScript, and GCC function multiversioning, which
// compiles the hot loops for AVX2 and for the baseline (SSE2) and picks one at load time
// on x86-64 Linux.
#ifndef NNFS_NATIVE_H
#define NNFS_NATIVE_H
#include <napi.h>

#include <cstddef>

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define NNFS_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NNFS_SIMD_CLONES
#endif

namespace nnfs {

/** Throws a TypeError with `message` and returns undefined. */
inline Napi::Value Fail(const Napi::CallbackInfo& info, const char* message) {
  Napi::TypeError::New(info.Env(), message).ThrowAsJavaScriptException();
  return info.Env().Undefined();
}

/** The number at argument i, or 0 when it is not a number. */
inline double NumberAt(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : 0.0;
}

/** Whether argument i is a Float32Array; if so, its data and length. */
inline bool Float32At(const Napi::CallbackInfo& info, size_t i, float** data, size_t* length) {
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) return false;
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  *data = a.Data();
  *length = a.ElementLength();
  return true;
}

}  // namespace nnfs

#endif
