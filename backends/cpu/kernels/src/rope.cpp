// ROPE in Hugging Face's rotate_half layout: feature i pairs with i + rotary_dim/2. Angles
// are computed in double (pos * theta^(-2i/rotary_dim), or pos * in2[i] with the inverse
// frequencies of ABI 1.2), so large positions keep their phase.
#include "op_families.hpp"
#include "parallel.hpp"

#include <cmath>
#include <cstring>
#include <vector>

namespace strata_cpu {

void run_rope(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& x = op.inputs[0];
  const std::int64_t tokens = x.shape[0];
  const std::int64_t heads = x.shape[1];
  const std::int64_t dim = x.shape[2];
  const std::int64_t half = op.params.rope.rotary_dim / 2;
  const double theta = op.params.rope.theta;
  const std::int32_t* positions = as<std::int32_t>(mem.in[1]);
  const float* in = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);

  // Inverse frequencies are shared by every token: given (in2), or from theta.
  std::vector<double> inv_freq(static_cast<std::size_t>(half));
  const float* given = op.n_inputs == 3 ? as<float>(mem.in[2]) : nullptr;
  for (std::int64_t i = 0; i < half; ++i)
    inv_freq[static_cast<std::size_t>(i)] =
        given != nullptr
            ? static_cast<double>(given[i])
            : std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(op.params.rope.rotary_dim));

  parallel_chunks(tokens, heads * dim, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> cos_t(static_cast<std::size_t>(half)), sin_t(static_cast<std::size_t>(half));
    for (std::int64_t t = begin; t < end; ++t) {
      const double pos = positions[t];
      for (std::size_t i = 0; i < cos_t.size(); ++i) {
        const double angle = pos * inv_freq[i];
        cos_t[i] = static_cast<float>(std::cos(angle));
        sin_t[i] = static_cast<float>(std::sin(angle));
      }
      for (std::int64_t h = 0; h < heads; ++h) {
        const float* src = in + (t * heads + h) * dim;
        float* dst = out + (t * heads + h) * dim;
        for (std::int64_t i = 0; i < half; ++i) {
          const float x1 = src[i];
          const float x2 = src[i + half];
          const float c = cos_t[static_cast<std::size_t>(i)];
          const float s = sin_t[static_cast<std::size_t>(i)];
          dst[i] = x1 * c - x2 * s;
          dst[i + half] = x2 * c + x1 * s;
        }
        // Features past rotary_dim pass through unchanged.
        if (dst != src)
          std::memcpy(dst + 2 * half, src + 2 * half, static_cast<std::size_t>(dim - 2 * half) * sizeof(float));
      }
    }
  });
}

}  // namespace strata_cpu
