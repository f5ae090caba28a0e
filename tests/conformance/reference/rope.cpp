// ROPE in the Hugging Face rotate_half (NeoX) layout.
#include <strata_reference/ops.hpp>

#include <cmath>

namespace strata_reference {

Reference rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim, const Values& positions,
               double theta, std::int64_t rotary_dim) {
  Values inv_freq(static_cast<std::size_t>(rotary_dim / 2));
  for (std::size_t i = 0; i < inv_freq.size(); ++i)
    inv_freq[i] = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary_dim));
  return rope_with_frequencies(x, tokens, heads, dim, positions, inv_freq, rotary_dim);
}

Reference rope_with_frequencies(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
                                const Values& positions, const Values& inv_freq, std::int64_t rotary_dim) {
  Reference r{x, Values(x.size())};  // features past rotary_dim pass through
  const std::int64_t half = rotary_dim / 2;
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::size_t base = static_cast<std::size_t>((t * heads + h) * dim);
      for (std::int64_t i = 0; i < dim; ++i) r.scale[base + i] = std::fabs(x[base + i]);
      for (std::int64_t i = 0; i < half; ++i) {
        const double angle = positions[t] * inv_freq[i];
        const double x1 = x[base + i], x2 = x[base + i + half];
        const double c = std::cos(angle), s = std::sin(angle);
        r.value[base + i] = x1 * c - x2 * s;
        r.value[base + i + half] = x2 * c + x1 * s;
        r.scale[base + i] = r.scale[base + i + half] = std::fabs(x1) + std::fabs(x2);
      }
    }
  }
  return r;
}

}  // namespace strata_reference
