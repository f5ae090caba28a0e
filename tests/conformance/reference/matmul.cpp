// MATMUL against a weight in the Hugging Face Linear layout [out_features, in_features].
#include <strata_reference/ops.hpp>

#include <cmath>

namespace strata_reference {

Reference matmul(const Values& x, const Values& weight, const Values& bias, std::int64_t m, std::int64_t n,
                 std::int64_t k) {
  Reference r{Values(static_cast<std::size_t>(m * n)), Values(static_cast<std::size_t>(m * n))};
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

}  // namespace strata_reference
