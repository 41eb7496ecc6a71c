// Float32 element-wise kernels for the native backend: the same arithmetic as
// lib/src/kernels/elementwise.ts and losses/mse.ts, in plain loops the compiler turns
// into SIMD code. JavaScript spends ~2 ns per element on such loops; a training epoch
// of the benchmark autoencoder runs ~700 million of them. Each function checks that
// its arrays are Float32Array views of the lengths it will touch.
#include <napi.h>

#include <cstdint>
#include <cstring>

#include "native.h"


namespace {

using nnfs::Fail;
using nnfs::NumberAt;

struct F32 {
  float* data;
  size_t length;
};

bool GetF32(const Napi::CallbackInfo& info, size_t i, F32* out) {
  return nnfs::Float32At(info, i, &out->data, &out->length);
}

NNFS_SIMD_CLONES void ReluLoop(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

// relu(x, y): y = x < 0 ? 0 : x (NaN stays NaN). y may be x.
Napi::Value Relu(const Napi::CallbackInfo& info) {
  F32 x, y;
  if (!GetF32(info, 0, &x) || !GetF32(info, 1, &y) || y.length != x.length) return Fail(info, "relu(x, y): two Float32Array of one length");
  ReluLoop(x.data, y.data, x.length);
  return info.Env().Undefined();
}

NNFS_SIMD_CLONES void ReluBackwardLoop(const float* g, const float* y, float* d, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];  // loaded unconditionally, so the select vectorises
    d[i] = y[i] > 0.0f ? gi : 0.0f;
  }
}

// reluBackward(dOut, y, dx): dx = y > 0 ? dOut : 0. dx may be dOut.
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  F32 g, y, d;
  if (!GetF32(info, 0, &g) || !GetF32(info, 1, &y) || !GetF32(info, 2, &d) || y.length != g.length || d.length != g.length) {
    return Fail(info, "reluBackward(dOut, y, dx): three Float32Array of one length");
  }
  ReluBackwardLoop(g.data, y.data, d.data, g.length);
  return info.Env().Undefined();
}

// e^t for t in [-87, 88] in single precision: t = k·ln2 + r, |r| ≤ ln2/2, e^r by its
// degree-6 Taylor polynomial (relative error < 2e-7), 2^k built in the exponent bits.
// Branch-free and libm-free, so the loops around it vectorise.
inline float ExpF(float t) {
  const float kf = static_cast<float>(static_cast<int32_t>(t * 1.44269504f + 128.5f) - 128);  // round(t / ln2)
  const float r = (t - kf * 0.693359375f) + kf * 2.12194440e-4f;                                // t − k·ln2 in two parts
  const float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * (0.00833333377f + r * 0.00138888892f)))));
  const int32_t bits = (static_cast<int32_t>(kf) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

NNFS_SIMD_CLONES void SigmoidLoop(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float t = -x[i];
    t = t > 87.0f ? 87.0f : (t < -87.0f ? -87.0f : t);
    y[i] = 1.0f / (1.0f + ExpF(t));
  }
}

// sigmoid(x, y): y = 1 / (1 + e^(−x)), saturating cleanly for large |x|. y may be x.
Napi::Value Sigmoid(const Napi::CallbackInfo& info) {
  F32 x, y;
  if (!GetF32(info, 0, &x) || !GetF32(info, 1, &y) || y.length != x.length) return Fail(info, "sigmoid(x, y): two Float32Array of one length");
  SigmoidLoop(x.data, y.data, x.length);
  return info.Env().Undefined();
}

NNFS_SIMD_CLONES void SigmoidBackwardLoop(const float* g, const float* y, float* d, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = g[i] * y[i] * (1.0f - y[i]);
}

// sigmoidBackward(dOut, y, dx): dx = dOut · y · (1 − y). dx may be dOut.
Napi::Value SigmoidBackward(const Napi::CallbackInfo& info) {
  F32 g, y, d;
  if (!GetF32(info, 0, &g) || !GetF32(info, 1, &y) || !GetF32(info, 2, &d) || y.length != g.length || d.length != g.length) {
    return Fail(info, "sigmoidBackward(dOut, y, dx): three Float32Array of one length");
  }
  SigmoidBackwardLoop(g.data, y.data, d.data, g.length);
  return info.Env().Undefined();
}

NNFS_SIMD_CLONES void SgdLoop(float* p, const float* g, float lr, float wd, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] -= lr * (g[i] + wd * p[i]);
}

// sgdUpdate(value, grad, lr, weightDecay): value −= lr · (grad + weightDecay · value).
Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  F32 p, g;
  if (!GetF32(info, 0, &p) || !GetF32(info, 1, &g) || g.length != p.length) return Fail(info, "sgdUpdate(value, grad, lr, wd): two Float32Array of one length");
  SgdLoop(p.data, g.data, static_cast<float>(NumberAt(info, 2)), static_cast<float>(NumberAt(info, 3)), p.length);
  return info.Env().Undefined();
}

// Σ (p − t)² over one block; writes grad = scale·(p − t) when grad is given. Eight
// partial sums (n is a multiple of 8 but for the last block) let the sum vectorise
// without licensing the compiler to reorder float additions everywhere.
NNFS_SIMD_CLONES float SquaredDiffBlock(const float* p, const float* t, float* grad, float scale, size_t n) {
  float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const size_t whole = n - n % 8;
  if (grad != nullptr) {
    for (size_t i = 0; i < whole; i += 8) {
      for (size_t l = 0; l < 8; l++) {
        const float diff = p[i + l] - t[i + l];
        partial[l] += diff * diff;
        grad[i + l] = scale * diff;
      }
    }
  } else {
    for (size_t i = 0; i < whole; i += 8) {
      for (size_t l = 0; l < 8; l++) {
        const float diff = p[i + l] - t[i + l];
        partial[l] += diff * diff;
      }
    }
  }
  float sum = 0.0f;
  for (size_t i = whole; i < n; i++) {
    const float diff = p[i] - t[i];
    sum += diff * diff;
    if (grad != nullptr) grad[i] = scale * diff;
  }
  for (size_t l = 0; l < 8; l++) sum += partial[l];
  return sum;
}

// mse(pred, target, grad?): returns Σ(pred − target)² / n; writes grad = 2·(pred − target)/n
// when grad is given. The sum is kept in double, in blocks, to stay accurate.
Napi::Value Mse(const Napi::CallbackInfo& info) {
  F32 p, t, g{nullptr, 0};
  bool withGrad = info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull();
  if (!GetF32(info, 0, &p) || !GetF32(info, 1, &t) || t.length != p.length || (withGrad && (!GetF32(info, 2, &g) || g.length != p.length))) {
    return Fail(info, "mse(pred, target, grad?): Float32Array of one length");
  }
  const size_t n = p.length;
  const float scale = n == 0 ? 0.0f : 2.0f / static_cast<float>(n);
  double total = 0.0;
  for (size_t start = 0; start < n; start += 1024) {
    const size_t count = start + 1024 < n ? 1024 : n - start;
    total += SquaredDiffBlock(p.data + start, t.data + start, withGrad ? g.data + start : nullptr, scale, count);
  }
  return Napi::Number::New(info.Env(), n == 0 ? 0.0 : total / static_cast<double>(n));
}

// Σ x² of one block, in 8 partial sums like SquaredDiffBlock.
NNFS_SIMD_CLONES float SquaresBlock(const float* x, size_t n) {
  float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const size_t whole = n - n % 8;
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t l = 0; l < 8; l++) partial[l] += x[i + l] * x[i + l];
  }
  float sum = 0;
  for (size_t l = 0; l < 8; l++) sum += partial[l];
  for (size_t i = whole; i < n; i++) sum += x[i] * x[i];
  return sum;
}

// sumOfSquares(x): Σ x², blocks of 1024 added in double (the L2 penalty of a weight matrix).
Napi::Value SumOfSquares(const Napi::CallbackInfo& info) {
  F32 x;
  if (!GetF32(info, 0, &x)) return Fail(info, "sumOfSquares(x): a Float32Array");
  double total = 0.0;
  for (size_t start = 0; start < x.length; start += 1024) {
    total += SquaresBlock(x.data + start, start + 1024 < x.length ? 1024 : x.length - start);
  }
  return Napi::Number::New(info.Env(), total);
}

// sumOverRows(x, rows, cols, out): out[j] = Σ_i x[i·cols + j].
Napi::Value SumOverRows(const Napi::CallbackInfo& info) {
  F32 x, out;
  const double rows = NumberAt(info, 1);
  const double cols = NumberAt(info, 2);
  if (!GetF32(info, 0, &x) || !GetF32(info, 3, &out) || rows < 0 || cols < 0 || out.length != static_cast<size_t>(cols) ||
      x.length != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    return Fail(info, "sumOverRows(x, rows, cols, out): Float32Array x of rows·cols and out of cols");
  }
  const size_t r = static_cast<size_t>(rows), c = static_cast<size_t>(cols);
  std::memset(out.data, 0, c * sizeof(float));
  for (size_t i = 0; i < r; i++) {
    const float* row = x.data + i * c;
    for (size_t j = 0; j < c; j++) out.data[j] += row[j];
  }
  return info.Env().Undefined();
}

// A float is NaN or ±Infinity exactly when its 8 exponent bits are all ones; testing
// the bits (an integer OR-reduction) vectorises where a float test would not.
NNFS_SIMD_CLONES bool AllFinite(const float* x, size_t n) {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

// firstNonFinite(x): index of the first NaN or ±Infinity in x, or -1. Scans in blocks
// with a vectorised test and only looks element by element inside a failing block.
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  F32 x;
  if (!GetF32(info, 0, &x)) return Fail(info, "firstNonFinite(x): a Float32Array");
  for (size_t start = 0; start < x.length; start += 4096) {
    const size_t count = start + 4096 < x.length ? 4096 : x.length - start;
    if (AllFinite(x.data + start, count)) continue;
    for (size_t i = start; i < start + count; i++) {
      if (!(x.data[i] * 0.0f == 0.0f)) return Napi::Number::New(info.Env(), static_cast<double>(i));
    }
  }
  return Napi::Number::New(info.Env(), -1);
}

// gatherRows(src, cols, idx, start, end, out): out row r = src row idx[start + r], for
// mini-batches drawn in shuffled order. Every index is checked against src.
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  F32 src, out;
  const double colsArg = NumberAt(info, 1);
  const double startArg = NumberAt(info, 3);
  const double endArg = NumberAt(info, 4);
  bool ok = GetF32(info, 0, &src) && GetF32(info, 5, &out) && info[2].IsTypedArray() &&
            info[2].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array && colsArg >= 1 && startArg >= 0 && endArg >= startArg;
  if (!ok) return Fail(info, "gatherRows(src, cols, idx, start, end, out): Float32Array src/out, Int32Array idx");
  Napi::Int32Array idx = info[2].As<Napi::Int32Array>();
  const size_t cols = static_cast<size_t>(colsArg), start = static_cast<size_t>(startArg), end = static_cast<size_t>(endArg);
  const size_t srcRows = src.length / cols;
  if (end > idx.ElementLength() || out.length != (end - start) * cols) return Fail(info, "gatherRows: idx or out is too short");
  for (size_t r = start; r < end; r++) {
    const int32_t row = idx[r];
    if (row < 0 || static_cast<size_t>(row) >= srcRows) return Fail(info, "gatherRows: an index is outside src");
    std::memcpy(out.data + (r - start) * cols, src.data + static_cast<size_t>(row) * cols, cols * sizeof(float));
  }
  return info.Env().Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("reluBackward", Napi::Function::New(env, ReluBackward));
  exports.Set("sigmoid", Napi::Function::New(env, Sigmoid));
  exports.Set("sigmoidBackward", Napi::Function::New(env, SigmoidBackward));
  exports.Set("sgdUpdate", Napi::Function::New(env, SgdUpdate));
  exports.Set("mse", Napi::Function::New(env, Mse));
  exports.Set("sumOfSquares", Napi::Function::New(env, SumOfSquares));
  exports.Set("sumOverRows", Napi::Function::New(env, SumOverRows));
  exports.Set("firstNonFinite", Napi::Function::New(env, FirstNonFinite));
  exports.Set("gatherRows", Napi::Function::New(env, GatherRows));
}
