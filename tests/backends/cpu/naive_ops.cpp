#include "naive_ops.hpp"

#include <algorithm>
#include <cmath>

namespace strata_test {
namespace {

Reference sized(std::size_t n) { return {Values(n), Values(n)}; }

template <typename Fn>
Reference binary(const Values& a, const Values& b, Fn fn) {
  Reference r = sized(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double bv = b[i % b.size()];
    r.value[i] = fn(a[i], bv);
    r.scale[i] = std::max({std::fabs(a[i]), std::fabs(bv), std::fabs(r.value[i])});
  }
  return r;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

Reference naive_add(const Values& a, const Values& b) {
  return binary(a, b, [](double x, double y) { return x + y; });
}

Reference naive_mul(const Values& a, const Values& b) {
  return binary(a, b, [](double x, double y) { return x * y; });
}

// Activations lose relative accuracy in proportion to |x| where the sigmoid or erf is in its
// tail (an f32 argument carries its rounding into exp()), hence the (1 + |x|) factors.
Reference naive_silu(const Values& x) {
  Reference r = sized(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.value[i] = x[i] * sigmoid(x[i]);
    r.scale[i] = std::fabs(r.value[i]) * (1 + std::fabs(x[i]));
  }
  return r;
}

Reference naive_gelu(const Values& x, bool tanh_form) {
  Reference r = sized(x.size());
  const double c = std::sqrt(2.0 / M_PI);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    // 1 + tanh(u) = 2 / (1 + exp(-2u)) and 1 + erf(z) = erfc(-z): the same functions without
    // the cancellation that would cost even double all its digits for large negative v.
    const double u = c * (v + 0.044715 * v * v * v);
    r.value[i] = tanh_form ? v / (1.0 + std::exp(-2.0 * u)) : 0.5 * v * std::erfc(-v / std::sqrt(2.0));
    r.scale[i] = std::fabs(r.value[i]) * (1 + v * v);
  }
  return r;
}

Reference naive_silu_mul(const Values& gate, const Values& up) {
  Reference r = naive_silu(gate);
  for (std::size_t i = 0; i < gate.size(); ++i) {
    r.value[i] *= up[i];
    r.scale[i] *= std::fabs(up[i]);
  }
  return r;
}

Reference naive_rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps) {
  Reference r = sized(x.size());
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const double* xr = x.data() + row * n;
    double squares = 0;
    for (std::int64_t i = 0; i < n; ++i) squares += xr[i] * xr[i];
    const double inv = 1.0 / std::sqrt(squares / static_cast<double>(n) + eps);
    for (std::int64_t i = 0; i < n; ++i) {
      r.value[row * n + i] = xr[i] * inv * weight[i];
      r.scale[row * n + i] = std::fabs(r.value[row * n + i]);
    }
  }
  return r;
}

Reference naive_layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values& bias, double eps) {
  Reference r = sized(x.size());
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const double* xr = x.data() + row * n;
    double mean = 0;
    for (std::int64_t i = 0; i < n; ++i) mean += xr[i];
    mean /= static_cast<double>(n);
    double var = 0;
    for (std::int64_t i = 0; i < n; ++i) var += (xr[i] - mean) * (xr[i] - mean);
    var /= static_cast<double>(n);
    const double inv = 1.0 / std::sqrt(var + eps);
    for (std::int64_t i = 0; i < n; ++i) {
      const double b = bias.empty() ? 0.0 : bias[i];
      r.value[row * n + i] = (xr[i] - mean) * inv * weight[i] + b;
      r.scale[row * n + i] = (std::fabs(xr[i]) + std::fabs(mean)) * inv * std::fabs(weight[i]) + std::fabs(b);
    }
  }
  return r;
}

Reference naive_rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
                     const Values& positions, double theta, std::int64_t rotary_dim) {
  Reference r{x, Values(x.size())};
  const std::int64_t half = rotary_dim / 2;
  for (std::int64_t t = 0; t < tokens; ++t) {
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::size_t base = static_cast<std::size_t>((t * heads + h) * dim);
      for (std::int64_t i = 0; i < dim; ++i) r.scale[base + i] = std::fabs(x[base + i]);
      for (std::int64_t i = 0; i < half; ++i) {
        const double angle =
            positions[t] * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary_dim));
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

Reference naive_softmax(const Values& x, std::int64_t n, double scale) {
  Reference r = sized(x.size());
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const double* xr = x.data() + row * n;
    double max = -INFINITY;
    for (std::int64_t i = 0; i < n; ++i) max = std::max(max, xr[i] * scale);
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += std::exp(xr[i] * scale - max);
    for (std::int64_t i = 0; i < n; ++i) {
      const double p = std::exp(xr[i] * scale - max) / sum;
      r.value[row * n + i] = p;
      r.scale[row * n + i] = p * (1 + std::fabs(xr[i] * scale) + std::fabs(max));
    }
  }
  return r;
}

Reference naive_matmul(const Values& x, const Values& weight, const Values& bias, std::int64_t m, std::int64_t n,
                       std::int64_t k) {
  Reference r = sized(static_cast<std::size_t>(m * n));
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double sum = bias.empty() ? 0.0 : bias[j];
      double magnitude = bias.empty() ? 0.0 : std::fabs(bias[j]);
      for (std::int64_t p = 0; p < k; ++p) {
        sum += x[i * k + p] * weight[j * k + p];
        magnitude += std::fabs(x[i * k + p] * weight[j * k + p]);
      }
      r.value[i * n + j] = sum;
      r.scale[i * n + j] = magnitude;
    }
  }
  return r;
}

Reference naive_attention(const Values& q, const Values& k, const Values& v, const AttentionShape& s) {
  Reference r = sized(q.size());
  const std::int64_t group = s.q_heads / s.kv_heads;
  for (std::int64_t t = 0; t < s.tokens; ++t) {
    for (std::int64_t h = 0; h < s.q_heads; ++h) {
      const std::int64_t kv = h / group;
      const std::int64_t keys = s.causal ? s.n_past + t + 1 : s.n_past + s.tokens;
      const double* qr = q.data() + (t * s.q_heads + h) * s.dim;
      Values scores(static_cast<std::size_t>(keys));
      double score_magnitude = 0;
      for (std::int64_t j = 0; j < keys; ++j) {
        const double* kr = k.data() + (j * s.kv_heads + kv) * s.dim;
        double dot = 0, magnitude = 0;
        for (std::int64_t i = 0; i < s.dim; ++i) {
          dot += qr[i] * kr[i];
          magnitude += std::fabs(qr[i] * kr[i]);
        }
        scores[j] = dot * s.scale;
        score_magnitude = std::max(score_magnitude, magnitude * std::fabs(s.scale));
      }
      const double max = *std::max_element(scores.begin(), scores.end());
      double sum = 0;
      for (double& p : scores) sum += (p = std::exp(p - max));
      for (std::int64_t i = 0; i < s.dim; ++i) {
        double out = 0, magnitude = 0;
        for (std::int64_t j = 0; j < keys; ++j) {
          const double value = v[(j * s.kv_heads + kv) * s.dim + i];
          out += scores[j] / sum * value;
          magnitude += scores[j] / sum * std::fabs(value);
        }
        const std::size_t at = static_cast<std::size_t>((t * s.q_heads + h) * s.dim + i);
        r.value[at] = out;
        r.scale[at] = magnitude * (1 + score_magnitude);
      }
    }
  }
  return r;
}

Reference naive_embedding(const Values& table, std::int64_t dim, const Values& ids) {
  Reference r = sized(static_cast<std::size_t>(ids.size() * dim));
  for (std::size_t t = 0; t < ids.size(); ++t)
    for (std::int64_t i = 0; i < dim; ++i) r.value[t * dim + i] = table[static_cast<std::size_t>(ids[t]) * dim + i];
  return r;  // gathers are exact: scale 0
}

}  // namespace strata_test
