// SOFTMAX and ATTENTION, which share the softmax over a row of scores.
#include <strata_reference/ops.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata_reference {
namespace {

// Replaces a row by its softmax and returns the row's maximum, which is subtracted first so
// that large scores do not overflow exp(). A NaN anywhere makes the sum, so the whole row, NaN.
double softmax_in_place(double* row, std::size_t n) {
  double max = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) max = std::max(max, row[i]);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += (row[i] = std::exp(row[i] - max));
  for (std::size_t i = 0; i < n; ++i) row[i] /= sum;
  return max;
}

}  // namespace

Reference softmax(const Values& x, std::int64_t n, double scale) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t i = 0; i < x.size(); ++i) r.value[i] = x[i] * scale;
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const std::size_t begin = row * n;
    const double max = softmax_in_place(r.value.data() + begin, static_cast<std::size_t>(n));
    for (std::size_t i = begin; i < begin + n; ++i)
      r.scale[i] = r.value[i] * (1 + std::fabs(x[i] * scale) + std::fabs(max));
  }
  return r;
}

// Query t sits at position n_past + t; causal, it sees keys 0 .. n_past + t, and with a window W
// only the last W of them. Masked keys are simply not in the row.
Reference attention(const Values& q, const Values& k, const Values& v, const AttentionShape& s) {
  Reference r{Values(q.size()), Values(q.size())};
  const std::int64_t group = s.q_heads / s.kv_heads;
  for (std::int64_t t = 0; t < s.tokens; ++t) {
    for (std::int64_t h = 0; h < s.q_heads; ++h) {
      const std::int64_t kv = h / group;
      const std::int64_t keys = s.causal ? s.n_past + t + 1 : s.n_past + s.tokens;
      const std::int64_t first = s.window > 0 ? std::max<std::int64_t>(0, keys - s.window) : 0;
      const double* qr = q.data() + (t * s.q_heads + h) * s.dim;
      Values scores(static_cast<std::size_t>(keys - first));
      double score_magnitude = 0;
      for (std::int64_t j = 0; j < keys - first; ++j) {
        const double* kr = k.data() + ((first + j) * s.kv_heads + kv) * s.dim;
        double dot = 0, magnitude = 0;
        for (std::int64_t i = 0; i < s.dim; ++i) {
          dot += qr[i] * kr[i];
          magnitude += std::fabs(qr[i] * kr[i]);
        }
        scores[j] = s.softcap > 0 ? s.softcap * std::tanh(dot * s.scale / s.softcap) : dot * s.scale;
        score_magnitude = std::max(score_magnitude, magnitude * std::fabs(s.scale));
      }
      softmax_in_place(scores.data(), scores.size());
      for (std::int64_t i = 0; i < s.dim; ++i) {
        double out = 0, magnitude = 0;
        for (std::int64_t j = 0; j < keys - first; ++j) {
          const double value = v[((first + j) * s.kv_heads + kv) * s.dim + i];
          out += scores[j] * value;
          magnitude += scores[j] * std::fabs(value);
        }
        const std::size_t at = static_cast<std::size_t>((t * s.q_heads + h) * s.dim + i);
        r.value[at] = out;
        r.scale[at] = magnitude * (1 + score_magnitude);
      }
    }
  }
  return r;
}

}  // namespace strata_reference
