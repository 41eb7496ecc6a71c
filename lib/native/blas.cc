// nnfs_blas: gemm on JavaScript typed arrays through a CBLAS, without copies: the project
// venv's scipy-openblas32 (NNFS_SCIPY_OPENBLAS, its symbols prefixed scipy_) or the system's.
// Exposes gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) for
// Float32Array (sgemm) and Float64Array (dgemm), row-major, and info() for diagnostics.
// It checks every view is long enough for the sizes it is given, so a wrong call
// throws a TypeError in JavaScript instead of reading or writing out of bounds.
// The float32 element-wise kernels live in elementwise.cc, BatchNorm's in batchnorm.cc.
#include <napi.h>

#include <cstddef>
#include <string>

#ifdef NNFS_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <dlfcn.h>
// The wheel's cblas.h declares scipy_cblas_sgemm etc.; the system's, cblas_sgemm.
#include <cblas.h>
#ifdef NNFS_SCIPY_OPENBLAS
#define NNFS_BLAS(name) scipy_##name
#else
#define NNFS_BLAS(name) name
#endif
#endif

namespace {

// Elements a row-major matrix view needs: rows × cols stored with leading dimension ld.
bool ViewFits(size_t length, int rows, int cols, int ld) {
  if (rows < 0 || cols < 0 || ld < (cols > 1 ? cols : 1)) return false;
  if (rows == 0 || cols == 0) return true;
  return length >= static_cast<size_t>(rows - 1) * static_cast<size_t>(ld) + static_cast<size_t>(cols);
}

template <typename T>
struct View {
  T* data;
  size_t length;
};

template <typename T>
View<T> ViewOf(const Napi::Value& value) {
  Napi::TypedArrayOf<T> array = value.As<Napi::TypedArrayOf<T>>();
  return View<T>{array.Data(), array.ElementLength()};
}

void Call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha, const float* a, int lda,
          const float* b, int ldb, double beta, float* c, int ldc) {
  NNFS_BLAS(cblas_sgemm)(CblasRowMajor, ta, tb, m, n, k, static_cast<float>(alpha), a, lda, b, ldb, static_cast<float>(beta), c, ldc);
}

void Call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc) {
  NNFS_BLAS(cblas_dgemm)(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <typename T>
Napi::Value Run(const Napi::CallbackInfo& info, bool transA, bool transB, int m, int n, int k) {
  Napi::Env env = info.Env();
  View<T> a = ViewOf<T>(info[6]);
  View<T> b = ViewOf<T>(info[8]);
  View<T> c = ViewOf<T>(info[11]);
  int lda = info[7].As<Napi::Number>().Int32Value();
  int ldb = info[9].As<Napi::Number>().Int32Value();
  int ldc = info[12].As<Napi::Number>().Int32Value();
  // Stored shapes: op(A) is m × k, op(B) is k × n, C is m × n.
  bool fits = ViewFits(a.length, transA ? k : m, transA ? m : k, lda) &&
              ViewFits(b.length, transB ? n : k, transB ? k : n, ldb) && ViewFits(c.length, m, n, ldc);
  if (!fits) {
    Napi::TypeError::New(env, "nnfs_blas.gemm: a view is shorter than its sizes and leading dimension")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (m == 0 || n == 0) return env.Undefined();
  Call(transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
       info[5].As<Napi::Number>().DoubleValue(), a.data, lda, b.data, ldb, info[10].As<Napi::Number>().DoubleValue(),
       c.data, ldc);
  return env.Undefined();
}

bool IsArrayOf(const Napi::Value& value, napi_typedarray_type type) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == type;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 13 || !info[0].IsBoolean() || !info[1].IsBoolean()) {
    Napi::TypeError::New(env, "nnfs_blas.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  for (int i : {2, 3, 4, 5, 7, 9, 10, 12}) {
    if (!info[i].IsNumber()) {
      Napi::TypeError::New(env, "nnfs_blas.gemm: argument " + std::to_string(i) + " must be a number")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  bool transA = info[0].As<Napi::Boolean>().Value();
  bool transB = info[1].As<Napi::Boolean>().Value();
  int m = info[2].As<Napi::Number>().Int32Value();
  int n = info[3].As<Napi::Number>().Int32Value();
  int k = info[4].As<Napi::Number>().Int32Value();
  if (IsArrayOf(info[6], napi_float32_array) && IsArrayOf(info[8], napi_float32_array) &&
      IsArrayOf(info[11], napi_float32_array)) {
    return Run<float>(info, transA, transB, m, n, k);
  }
  if (IsArrayOf(info[6], napi_float64_array) && IsArrayOf(info[8], napi_float64_array) &&
      IsArrayOf(info[11], napi_float64_array)) {
    return Run<double>(info, transA, transB, m, n, k);
  }
  Napi::TypeError::New(env, "nnfs_blas.gemm: a, b and c must all be Float32Array or all Float64Array")
      .ThrowAsJavaScriptException();
  return env.Undefined();
}

// Which BLAS this is (where it was linked from, the file that loaded, its build), which
// kernel it runs and how many threads it uses, for the backend banner and the benchmark.
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
#ifdef NNFS_ACCELERATE
  result.Set("library", "Accelerate");
  result.Set("source", "system");
  result.Set("threads", Napi::Number::New(env, 0));
#else
#ifdef NNFS_SCIPY_OPENBLAS
  result.Set("source", "scipy-openblas32");
#else
  result.Set("source", "system");
#endif
  Dl_info where;
  if (dladdr(reinterpret_cast<void*>(&NNFS_BLAS(cblas_sgemm)), &where) != 0 && where.dli_fname != nullptr) {
    result.Set("path", std::string(where.dli_fname));
  }
  result.Set("library", std::string(NNFS_BLAS(openblas_get_config)()));
  result.Set("core", std::string(NNFS_BLAS(openblas_get_corename)()));
  result.Set("threads", Napi::Number::New(env, NNFS_BLAS(openblas_get_num_threads)()));
#endif
  return result;
}

// setThreads(n): how many threads OpenBLAS may use (no-op elsewhere).
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
#ifndef NNFS_ACCELERATE
  if (info.Length() == 1 && info[0].IsNumber()) NNFS_BLAS(openblas_set_num_threads)(info[0].As<Napi::Number>().Int32Value());
#endif
  return info.Env().Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports);
void InitBatchNorm(Napi::Env env, Napi::Object exports);

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitElementwise(env, exports);
  InitBatchNorm(env, exports);
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  return exports;
}

}  // namespace

NODE_API_MODULE(nnfs_blas, Init)
