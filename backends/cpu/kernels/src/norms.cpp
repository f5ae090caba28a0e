// RMS_NORM and LAYER_NORM over the last dimension. Row statistics are summed in double: the
// rows are short next to the memory they cost, and the reference should not lose digits.
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <cmath>
#include <vector>

namespace strata_cpu {
namespace {

std::vector<float> vector_f32(const strata_tensor& t, const std::byte* p) {
  std::vector<float> values(static_cast<std::size_t>(strata_plugin::element_count(t)));
  to_f32(p, t.dtype, values.data(), values.size());
  return values;
}

// `weight` already holds weight + weight_offset.
void rms_norm_row(const float* x, const float* weight, float eps, float* out, std::int64_t n) {
  double squares = 0.0;
  for (std::int64_t i = 0; i < n; ++i) squares += static_cast<double>(x[i]) * x[i];
  const auto inv = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(n) + eps));
  for (std::int64_t i = 0; i < n; ++i) out[i] = (x[i] * inv) * weight[i];
}

void layer_norm_row(const float* x, const float* weight, const float* bias, float eps, float* out, std::int64_t n) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (std::int64_t i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
  const auto inv = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(n) + eps));
  const auto mean_f = static_cast<float>(mean);
  for (std::int64_t i = 0; i < n; ++i) {
    const float y = (x[i] - mean_f) * inv * weight[i];
    out[i] = bias != nullptr ? y + bias[i] : y;
  }
}

}  // namespace

void run_norm(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& x = op.inputs[0];
  const std::int64_t n = strata_plugin::row_length(x);
  const std::int64_t rows = strata_plugin::row_count(x);
  const float eps = op.params.norm.eps;
  std::vector<float> weight = vector_f32(op.inputs[1], mem.in[1]);
  // ABI 1.2: Gemma's (1 + w) norms; LAYER_NORM's offset is always 0 (validated).
  if (const float offset = op.params.norm.weight_offset; offset != 0.0f)
    for (float& w : weight) w += offset;
  const std::vector<float> bias = op.n_inputs == 3 ? vector_f32(op.inputs[2], mem.in[2]) : std::vector<float>{};
  const float* in = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  const bool layer = op.kind == STRATA_OP_LAYER_NORM;
  parallel_chunks(rows, n * 2, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      if (layer)
        layer_norm_row(in + r * n, weight.data(), bias.empty() ? nullptr : bias.data(), eps, out + r * n, n);
      else
        rms_norm_row(in + r * n, weight.data(), eps, out + r * n, n);
    }
  });
}

}  // namespace strata_cpu
