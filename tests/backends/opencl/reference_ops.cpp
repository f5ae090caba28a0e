#include "reference_ops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace opencl_test::reference {
namespace {

Values binary(const Values& a, const Values& b, bool multiply) {
  Values out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double y = b.size() == a.size() ? b[i] : b[i % b.size()];
    out[i] = multiply ? a[i] * y : a[i] + y;
  }
  return out;
}

double silu1(double x) { return x / (1.0 + std::exp(-x)); }

}  // namespace

Values add(const Values& a, const Values& b) { return binary(a, b, false); }
Values mul(const Values& a, const Values& b) { return binary(a, b, true); }

Values silu(const Values& x) {
  Values out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = silu1(x[i]);
  return out;
}

Values gelu(const Values& x, bool tanh_form) {
  Values out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    out[i] = tanh_form ? 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)))
                       : 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
  }
  return out;
}

Values silu_mul(const Values& gate, const Values& up) {
  Values out(gate.size());
  for (std::size_t i = 0; i < gate.size(); ++i) out[i] = silu1(gate[i]) * up[i];
  return out;
}

Values rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps) {
  Values out(x.size());
  for (std::size_t r = 0; r < x.size() / n; ++r) {
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += x[r * n + i] * x[r * n + i];
    const double inv = 1.0 / std::sqrt(sum / static_cast<double>(n) + eps);
    for (std::int64_t i = 0; i < n; ++i) out[r * n + i] = x[r * n + i] * inv * weight[i];
  }
  return out;
}

Values layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values* bias, double eps) {
  Values out(x.size());
  for (std::size_t r = 0; r < x.size() / n; ++r) {
    double mean = 0;
    for (std::int64_t i = 0; i < n; ++i) mean += x[r * n + i];
    mean /= static_cast<double>(n);
    double var = 0;
    for (std::int64_t i = 0; i < n; ++i) var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
    const double inv = 1.0 / std::sqrt(var / static_cast<double>(n) + eps);
    for (std::int64_t i = 0; i < n; ++i)
      out[r * n + i] = (x[r * n + i] - mean) * inv * weight[i] + (bias ? (*bias)[i] : 0.0);
  }
  return out;
}

Values rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
            const std::vector<std::int32_t>& positions, double theta, std::int64_t rotary_dim) {
  Values out = x;
  const std::int64_t half = rotary_dim / 2;
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::size_t base = static_cast<std::size_t>((t * heads + h) * dim);
      for (std::int64_t i = 0; i < half; ++i) {
        const double angle =
            positions[t] * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary_dim));
        const double a = x[base + i];
        const double b = x[base + i + half];
        out[base + i] = a * std::cos(angle) - b * std::sin(angle);
        out[base + i + half] = b * std::cos(angle) + a * std::sin(angle);
      }
    }
  return out;
}

Values softmax(const Values& x, std::int64_t n, double scale) {
  Values out(x.size());
  for (std::size_t r = 0; r < x.size() / n; ++r) {
    double m = -std::numeric_limits<double>::infinity();
    for (std::int64_t i = 0; i < n; ++i) m = std::max(m, x[r * n + i] * scale);
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += std::exp(x[r * n + i] * scale - m);
    for (std::int64_t i = 0; i < n; ++i) out[r * n + i] = std::exp(x[r * n + i] * scale - m) / sum;
  }
  return out;
}

Values matmul(const Values& x, std::int64_t m, std::int64_t k, const Values& w, std::int64_t n, const Values* bias) {
  Values out(static_cast<std::size_t>(m * n));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double sum = bias ? (*bias)[j] : 0.0;
      for (std::int64_t p = 0; p < k; ++p) sum += x[i * k + p] * w[j * k + p];
      out[i * n + j] = sum;
    }
  return out;
}

Values attention(const Values& q, std::int64_t tokens, std::int64_t heads, std::int64_t dim, const Values& k_cache,
                 const Values& v_cache, std::int64_t kv_heads, std::int64_t n_past, double scale, bool causal) {
  Values out(q.size());
  const std::int64_t group = heads / kv_heads;
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t kvh = h / group;
      const std::int64_t keys = causal ? n_past + t + 1 : n_past + tokens;
      std::vector<double> scores(static_cast<std::size_t>(keys));
      double m = -std::numeric_limits<double>::infinity();
      for (std::int64_t j = 0; j < keys; ++j) {
        double s = 0;
        for (std::int64_t d = 0; d < dim; ++d)
          s += q[(t * heads + h) * dim + d] * k_cache[(j * kv_heads + kvh) * dim + d];
        scores[j] = s * scale;
        m = std::max(m, scores[j]);
      }
      double sum = 0;
      for (double& s : scores) sum += (s = std::exp(s - m));
      for (std::int64_t d = 0; d < dim; ++d) {
        double acc = 0;
        for (std::int64_t j = 0; j < keys; ++j) acc += scores[j] * v_cache[(j * kv_heads + kvh) * dim + d];
        out[(t * heads + h) * dim + d] = acc / sum;
      }
    }
  return out;
}

Values embedding(const Values& table, std::int64_t dim, const std::vector<std::int32_t>& ids) {
  Values out;
  out.reserve(ids.size() * dim);
  for (std::int32_t id : ids)
    for (std::int64_t d = 0; d < dim; ++d) out.push_back(table[id * dim + d]);
  return out;
}

}  // namespace opencl_test::reference
