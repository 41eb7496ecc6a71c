// Float32 BatchNorm loops for the native backend: the same arithmetic as
// lib/src/kernels/normalize.ts (see there for the formulas), vectorised over columns.
#include <napi.h>

#include <cstring>

#include "native.h"

namespace {

using nnfs::Fail;

/** Argument i as a Float32Array of exactly `length` values. */
bool F32At(const Napi::CallbackInfo& info, size_t i, float** data, size_t length) {
  size_t actual = 0;
  return nnfs::Float32At(info, i, data, &actual) && actual == length;
}

bool Dims(const Napi::CallbackInfo& info, size_t* rows, size_t* cols) {
  if (info.Length() < 3 || !info[1].IsNumber() || !info[2].IsNumber()) return false;
  const double r = info[1].As<Napi::Number>().DoubleValue(), c = info[2].As<Napi::Number>().DoubleValue();
  if (r < 1 || c < 1) return false;
  *rows = static_cast<size_t>(r);
  *cols = static_cast<size_t>(c);
  return true;
}

NNFS_SIMD_CLONES void MeanVarianceLoop(const float* x, size_t n, size_t d, float* mean, float* var) {
  std::memset(mean, 0, d * sizeof(float));
  std::memset(var, 0, d * sizeof(float));
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (size_t j = 0; j < d; j++) mean[j] /= static_cast<float>(n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      const float c = x[i * d + j] - mean[j];
      var[j] += c * c;
    }
  for (size_t j = 0; j < d; j++) var[j] /= static_cast<float>(n);
}

// columnMeanVariance(x, rows, cols, mean, variance)
Napi::Value ColumnMeanVariance(const Napi::CallbackInfo& info) {
  size_t n, d;
  float *x, *mean, *var;
  if (!Dims(info, &n, &d) || !F32At(info, 0, &x, n * d) || !F32At(info, 3, &mean, d) || !F32At(info, 4, &var, d)) {
    return Fail(info, "columnMeanVariance(x, rows, cols, mean, variance): Float32Array of rows·cols, cols, cols");
  }
  MeanVarianceLoop(x, n, d, mean, var);
  return info.Env().Undefined();
}

NNFS_SIMD_CLONES void NormalizeLoop(const float* x, size_t n, size_t d, const float* mean, const float* invStd, const float* gamma,
                                    const float* beta, float* xHat, float* y) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      const float h = (x[i * d + j] - mean[j]) * invStd[j];
      xHat[i * d + j] = h;
      y[i * d + j] = gamma[j] * h + beta[j];
    }
}

// normalizeColumns(x, rows, cols, mean, invStd, gamma, beta, xHat, y)
Napi::Value NormalizeColumns(const Napi::CallbackInfo& info) {
  size_t n, d;
  float *x, *mean, *invStd, *gamma, *beta, *xHat, *y;
  if (!Dims(info, &n, &d) || !F32At(info, 0, &x, n * d) || !F32At(info, 3, &mean, d) || !F32At(info, 4, &invStd, d) ||
      !F32At(info, 5, &gamma, d) || !F32At(info, 6, &beta, d) || !F32At(info, 7, &xHat, n * d) || !F32At(info, 8, &y, n * d)) {
    return Fail(info, "normalizeColumns(x, rows, cols, mean, invStd, gamma, beta, xHat, y): Float32Array arguments of matching sizes");
  }
  NormalizeLoop(x, n, d, mean, invStd, gamma, beta, xHat, y);
  return info.Env().Undefined();
}

NNFS_SIMD_CLONES void NormalizeBackwardLoop(const float* g, const float* xHat, size_t n, size_t d, const float* gamma, const float* invStd,
                                            bool training, float* dGamma, float* dBeta, float* dX) {
  std::memset(dGamma, 0, d * sizeof(float));
  std::memset(dBeta, 0, d * sizeof(float));
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      dBeta[j] += g[i * d + j];
      dGamma[j] += g[i * d + j] * xHat[i * d + j];
    }
  const float fn = static_cast<float>(n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      const float scale = gamma[j] * invStd[j];
      dX[i * d + j] = training ? (scale / fn) * (fn * g[i * d + j] - dBeta[j] - xHat[i * d + j] * dGamma[j]) : scale * g[i * d + j];
    }
}

// normalizeColumnsBackward(dOut, rows, cols, xHat, gamma, invStd, training, dGamma, dBeta, dX)
Napi::Value NormalizeColumnsBackward(const Napi::CallbackInfo& info) {
  size_t n, d;
  float *g, *xHat, *gamma, *invStd, *dGamma, *dBeta, *dX;
  if (!Dims(info, &n, &d) || !F32At(info, 0, &g, n * d) || !F32At(info, 3, &xHat, n * d) || !F32At(info, 4, &gamma, d) ||
      !F32At(info, 5, &invStd, d) || info.Length() < 10 || !info[6].IsBoolean() || !F32At(info, 7, &dGamma, d) || !F32At(info, 8, &dBeta, d) ||
      !F32At(info, 9, &dX, n * d)) {
    return Fail(info, "normalizeColumnsBackward(dOut, rows, cols, xHat, gamma, invStd, training, dGamma, dBeta, dX): matching Float32Array arguments");
  }
  NormalizeBackwardLoop(g, xHat, n, d, gamma, invStd, info[6].As<Napi::Boolean>().Value(), dGamma, dBeta, dX);
  return info.Env().Undefined();
}

}  // namespace

void InitBatchNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("columnMeanVariance", Napi::Function::New(env, ColumnMeanVariance));
  exports.Set("normalizeColumns", Napi::Function::New(env, NormalizeColumns));
  exports.Set("normalizeColumnsBackward", Napi::Function::New(env, NormalizeColumnsBackward));
}
