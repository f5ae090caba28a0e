// The math, written plainly: one loop per op, single-threaded, float32 results (long sums
// accumulate in double, the simplest way to stay accurate). Elementwise
// and row-wise ops may run in place (output == input 0), so each reads an element or row
// before it writes it.
#include "sample.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sample {
namespace {

template <typename T>
T* at(const strata_tensor& t) {
  return reinterpret_cast<T*>(t.buffer->data + t.offset);
}

std::int64_t last_dim(const strata_tensor& t) { return t.shape[t.rank - 1]; }

float silu(float x) { return x / (1.0f + std::exp(-x)); }

void binary(const strata_op& op) {
  const float* a = at<float>(op.inputs[0]);
  const float* b = at<float>(op.inputs[1]);
  float* out = at<float>(op.output);
  const std::int64_t n = element_count(op.inputs[0]);
  const std::int64_t b_count = element_count(op.inputs[1]);  // n, or one row broadcast over all rows
  for (std::int64_t i = 0; i < n; ++i) {
    const float rhs = b[b_count == n ? i : i % b_count];
    out[i] = op.kind == STRATA_OP_ADD ? a[i] + rhs : a[i] * rhs;
  }
}

void rms_norm(const strata_op& op) {
  const std::int64_t n = last_dim(op.inputs[0]);
  const std::int64_t rows = element_count(op.inputs[0]) / n;
  const float* weight = at<float>(op.inputs[1]);
#if STRATA_BACKEND_ABI_MINOR >= 2
  const float offset = op.params.norm.weight_offset;  // ABI 1.2: Gemma's (1 + w)
#else
  const float offset = 0.0f;
#endif
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = at<float>(op.inputs[0]) + r * n;
    float* out = at<float>(op.output) + r * n;
    double squares = 0;  // double: rows of thousands of elements lose nothing
    for (std::int64_t i = 0; i < n; ++i) squares += static_cast<double>(x[i]) * x[i];
    const auto scale = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(n) + op.params.norm.eps));
    for (std::int64_t i = 0; i < n; ++i) out[i] = x[i] * scale * (weight[i] + offset);
  }
}

void softmax(const strata_op& op) {
  const std::int64_t n = last_dim(op.inputs[0]);
  const std::int64_t rows = element_count(op.inputs[0]) / n;
  const float scale = op.params.softmax.scale;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = at<float>(op.inputs[0]) + r * n;
    float* out = at<float>(op.output) + r * n;
    // Subtract the row's maximum first so that exp() cannot overflow. std::max would skip a NaN
    // at the front; adding NaN through the sum keeps it, as IEEE arithmetic does.
    float max = -INFINITY;
    for (std::int64_t i = 0; i < n; ++i) max = std::max(max, x[i] * scale);
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      out[i] = std::exp(x[i] * scale - max);
      sum += out[i];
    }
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(out[i] / sum);
  }
}

void matmul(const strata_op& op) {
  const std::int64_t m = op.inputs[0].shape[0], k = op.inputs[0].shape[1], n = op.inputs[1].shape[0];
  const float* x = at<float>(op.inputs[0]);
  const float* w = at<float>(op.inputs[1]);  // [N, K]: each output column is a dot with a row of w
  const float* bias = op.n_inputs == 3 ? at<float>(op.inputs[2]) : nullptr;
  float* out = at<float>(op.output);
  for (std::int64_t r = 0; r < m; ++r) {
    for (std::int64_t c = 0; c < n; ++c) {
      double sum = bias != nullptr ? bias[c] : 0.0;
      for (std::int64_t i = 0; i < k; ++i) sum += static_cast<double>(x[r * k + i]) * w[c * k + i];
      out[r * n + c] = static_cast<float>(sum);
    }
  }
}

void embedding(const strata_op& op) {
  const std::int64_t vocab = op.inputs[0].shape[0], dim = op.inputs[0].shape[1];
  const std::int32_t* ids = at<std::int32_t>(op.inputs[1]);
  const std::int64_t tokens = element_count(op.inputs[1]);
  // Check every id before writing anything: a failed op leaves its output untouched.
  for (std::int64_t t = 0; t < tokens; ++t)
    if (ids[t] < 0 || ids[t] >= vocab)
      throw Failure(STRATA_STATUS_INVALID_ARGUMENT, "sample: embedding id " + std::to_string(ids[t]) +
                                                        " is outside [0, " + std::to_string(vocab) + ")");
  for (std::int64_t t = 0; t < tokens; ++t)
    std::memcpy(at<float>(op.output) + t * dim, at<float>(op.inputs[0]) + ids[t] * dim,
                static_cast<std::size_t>(dim) * sizeof(float));
}

}  // namespace

void run_op(const strata_op& op) {
  const std::int64_t n = element_count(op.output);
  switch (op.kind) {
    case STRATA_OP_COPY:  // same dtype here, so a byte copy; memmove allows the in-place form
      std::memmove(op.output.buffer->data + op.output.offset, op.inputs[0].buffer->data + op.inputs[0].offset,
                   static_cast<std::size_t>(n) * dtype_size(op.output.dtype));
      break;
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
      binary(op);
      break;
    case STRATA_OP_SILU:
      for (std::int64_t i = 0; i < n; ++i) at<float>(op.output)[i] = silu(at<float>(op.inputs[0])[i]);
      break;
    case STRATA_OP_SILU_MUL:
      for (std::int64_t i = 0; i < n; ++i)
        at<float>(op.output)[i] = silu(at<float>(op.inputs[0])[i]) * at<float>(op.inputs[1])[i];
      break;
    case STRATA_OP_RMS_NORM:
      rms_norm(op);
      break;
    case STRATA_OP_SOFTMAX:
      softmax(op);
      break;
    case STRATA_OP_MATMUL:
      matmul(op);
      break;
    case STRATA_OP_EMBEDDING:
      embedding(op);
      break;
#if STRATA_BACKEND_ABI_MINOR >= 2
    case STRATA_OP_SCALE:
      for (std::int64_t i = 0; i < n; ++i)
        at<float>(op.output)[i] = at<float>(op.inputs[0])[i] * op.params.scale.factor;
      break;
    case STRATA_OP_SOFTCAP: {
      const float cap = op.params.softcap.cap;
      for (std::int64_t i = 0; i < n; ++i) at<float>(op.output)[i] = cap * std::tanh(at<float>(op.inputs[0])[i] / cap);
      break;
    }
#endif
    default:
      throw Failure(STRATA_STATUS_UNSUPPORTED, "sample: op kind not supported");
  }
}

}  // namespace sample
