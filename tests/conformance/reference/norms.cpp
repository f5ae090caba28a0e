// RMS_NORM and LAYER_NORM, row by row.
#include <strata_reference/ops.hpp>

#include <cmath>

namespace strata_reference {

Reference rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps, double weight_offset) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t row = 0; row < x.size() / n; ++row) {
    const double* xr = x.data() + row * n;
    double squares = 0;
    for (std::int64_t i = 0; i < n; ++i) squares += xr[i] * xr[i];
    const double inv = 1.0 / std::sqrt(squares / static_cast<double>(n) + eps);
    for (std::int64_t i = 0; i < n; ++i) {
      r.value[row * n + i] = xr[i] * inv * (weight[i] + weight_offset);
      r.scale[row * n + i] = std::fabs(r.value[row * n + i]);
    }
  }
  return r;
}

// Biased variance, as backend.h and torch.nn.LayerNorm define it.
Reference layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values& bias, double eps) {
  Reference r{Values(x.size()), Values(x.size())};
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

}  // namespace strata_reference
