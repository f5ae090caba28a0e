#include "host_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>

namespace strata_cts {
namespace {

using Values = std::vector<double>;

std::size_t last_dim(const TensorSpec& spec) { return static_cast<std::size_t>(spec.shape[spec.shape.rank() - 1]); }

double silu(double x) { return x / (1.0 + std::exp(-x)); }

double gelu(double x, bool tanh_form) {
  if (tanh_form) {
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
}

// ADD and MUL: the second input is full size or one row broadcast over all rows.
Values binary(const OpSpec& spec, const Values& a, const Values& b) {
  Values out(a.size());
  const bool broadcast = b.size() != a.size();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double rhs = broadcast ? b[i % b.size()] : b[i];
    out[i] = spec.kind == STRATA_OP_ADD ? a[i] + rhs : a[i] * rhs;
  }
  return out;
}

Values norm(const OpSpec& spec, const std::vector<Values>& in) {
  const Values& x = in[0];
  const std::size_t n = last_dim(spec.inputs[0]);
  Values out(x.size());
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const double* r = x.data() + row * n;
    double mean = 0, square = 0;
    for (std::size_t i = 0; i < n; ++i) mean += r[i];
    mean /= static_cast<double>(n);
    if (spec.kind == STRATA_OP_RMS_NORM) {
      for (std::size_t i = 0; i < n; ++i) square += r[i] * r[i];
      const double inv = 1.0 / std::sqrt(square / static_cast<double>(n) + spec.eps);
      for (std::size_t i = 0; i < n; ++i) out[row * n + i] = r[i] * inv * in[1][i];
    } else {
      for (std::size_t i = 0; i < n; ++i) square += (r[i] - mean) * (r[i] - mean);
      const double inv = 1.0 / std::sqrt(square / static_cast<double>(n) + spec.eps);
      for (std::size_t i = 0; i < n; ++i)
        out[row * n + i] = (r[i] - mean) * inv * in[1][i] + (in.size() > 2 ? in[2][i] : 0.0);
    }
  }
  return out;
}

Values rope(const OpSpec& spec, const Values& x, const Values& positions) {
  const auto& shape = spec.inputs[0].shape;
  const auto tokens = static_cast<std::size_t>(shape[0]), heads = static_cast<std::size_t>(shape[1]),
             dim = static_cast<std::size_t>(shape[2]);
  const auto half = static_cast<std::size_t>(spec.rotary_dim / 2);
  Values out = x;  // features past rotary_dim pass through
  for (std::size_t t = 0; t < tokens; ++t) {
    for (std::size_t h = 0; h < heads; ++h) {
      const std::size_t base = (t * heads + h) * dim;
      for (std::size_t i = 0; i < half; ++i) {
        const double inv_freq =
            std::pow(static_cast<double>(spec.theta), -2.0 * static_cast<double>(i) / spec.rotary_dim);
        const double angle = positions[t] * inv_freq;
        const double x1 = x[base + i], x2 = x[base + i + half];
        out[base + i] = x1 * std::cos(angle) - x2 * std::sin(angle);
        out[base + i + half] = x2 * std::cos(angle) + x1 * std::sin(angle);
      }
    }
  }
  return out;
}

void softmax_in_place(double* row, std::size_t n) {
  double max = -std::numeric_limits<double>::infinity();
  bool nan = false;
  for (std::size_t i = 0; i < n; ++i) {
    nan = nan || std::isnan(row[i]);
    max = std::max(max, row[i]);
  }
  if (nan) {
    std::fill(row, row + n, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += (row[i] = std::exp(row[i] - max));
  for (std::size_t i = 0; i < n; ++i) row[i] /= sum;
}

Values softmax(const OpSpec& spec, const Values& x) {
  const std::size_t n = last_dim(spec.inputs[0]);
  Values out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] * spec.scale;
  for (std::size_t row = 0; row < x.size() / n; ++row) softmax_in_place(out.data() + row * n, n);
  return out;
}

Values matmul(const OpSpec& spec, const std::vector<Values>& in) {
  const auto m = static_cast<std::size_t>(spec.inputs[0].shape[0]),
             k = static_cast<std::size_t>(spec.inputs[0].shape[1]),
             n = static_cast<std::size_t>(spec.inputs[1].shape[0]);
  Values out(m * n);
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      double sum = in.size() > 2 ? in[2][c] : 0.0;
      for (std::size_t i = 0; i < k; ++i) sum += in[0][r * k + i] * in[1][c * k + i];
      out[r * n + c] = sum;
    }
  }
  return out;
}

Values attention(const OpSpec& spec, const std::vector<Values>& in) {
  const auto& q_shape = spec.inputs[0].shape;
  const auto tokens = static_cast<std::size_t>(q_shape[0]), q_heads = static_cast<std::size_t>(q_shape[1]),
             dim = static_cast<std::size_t>(q_shape[2]);
  const auto kv_heads = static_cast<std::size_t>(spec.inputs[1].shape[1]);
  const std::size_t group = q_heads / kv_heads;
  const auto n_past = static_cast<std::size_t>(spec.n_past);
  Values out(tokens * q_heads * dim, 0.0);
  Values scores;
  for (std::size_t t = 0; t < tokens; ++t) {
    const std::size_t visible = spec.causal ? n_past + t + 1 : n_past + tokens;
    for (std::size_t h = 0; h < q_heads; ++h) {
      const double* q = in[0].data() + (t * q_heads + h) * dim;
      const std::size_t kvh = h / group;
      scores.assign(visible, 0.0);
      for (std::size_t j = 0; j < visible; ++j) {
        const double* key = in[1].data() + (j * kv_heads + kvh) * dim;
        double dot = 0;
        for (std::size_t d = 0; d < dim; ++d) dot += q[d] * key[d];
        scores[j] = dot * spec.scale;
      }
      softmax_in_place(scores.data(), visible);
      double* o = out.data() + (t * q_heads + h) * dim;
      for (std::size_t j = 0; j < visible; ++j) {
        const double* value = in[2].data() + (j * kv_heads + kvh) * dim;
        for (std::size_t d = 0; d < dim; ++d) o[d] += scores[j] * value[d];
      }
    }
  }
  return out;
}

Values embedding(const OpSpec& spec, const Values& table, const Values& ids) {
  const auto dim = static_cast<std::size_t>(spec.inputs[0].shape[1]);
  Values out(ids.size() * dim);
  for (std::size_t t = 0; t < ids.size(); ++t) {
    const auto row = static_cast<std::size_t>(ids[t]);
    std::copy_n(table.begin() + static_cast<std::ptrdiff_t>(row * dim), dim,
                out.begin() + static_cast<std::ptrdiff_t>(t * dim));
  }
  return out;
}

Values compute(const OpSpec& spec, const std::vector<Values>& in) {
  switch (spec.kind) {
    case STRATA_OP_COPY:
      return in[0];
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
      return binary(spec, in[0], in[1]);
    case STRATA_OP_SILU: {
      Values out(in[0].size());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = silu(in[0][i]);
      return out;
    }
    case STRATA_OP_GELU: {
      Values out(in[0].size());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = gelu(in[0][i], spec.gelu_tanh);
      return out;
    }
    case STRATA_OP_SILU_MUL: {
      Values out(in[0].size());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = silu(in[0][i]) * in[1][i];
      return out;
    }
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      return norm(spec, in);
    case STRATA_OP_ROPE:
      return rope(spec, in[0], in[1]);
    case STRATA_OP_SOFTMAX:
      return softmax(spec, in[0]);
    case STRATA_OP_MATMUL:
      return matmul(spec, in);
    case STRATA_OP_ATTENTION:
      return attention(spec, in);
    case STRATA_OP_EMBEDDING:
      return embedding(spec, in[0], in[1]);
    default:
      return {};
  }
}

}  // namespace

std::vector<double> host_reference(const OpSpec& spec, const std::vector<std::vector<double>>& inputs) {
  std::vector<double> out = compute(spec, inputs);
  // Round to what the output dtype can hold, so a device that rounds correctly matches.
  HostTensor rounded = HostTensor::encode(spec.output, out);
  return rounded.decode();
}

}  // namespace strata_cts
