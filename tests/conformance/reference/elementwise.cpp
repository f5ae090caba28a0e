// ADD, MUL, SILU, GELU, SILU_MUL, SCALE, SOFTCAP.
#include <strata_reference/ops.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace strata_reference {
namespace {

template <typename Fn>
Reference binary(const Values& a, const Values& b, Fn fn) {
  Reference r{Values(a.size()), Values(a.size())};
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double bv = b[i % b.size()];
    r.value[i] = fn(a[i], bv);
    r.scale[i] = std::max({std::fabs(a[i]), std::fabs(bv), std::fabs(r.value[i])});
  }
  return r;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

Reference add(const Values& a, const Values& b) {
  return binary(a, b, [](double x, double y) { return x + y; });
}

Reference mul(const Values& a, const Values& b) {
  return binary(a, b, [](double x, double y) { return x * y; });
}

// Activations lose relative accuracy in proportion to |x| where the sigmoid or erf is in its
// tail (an f32 argument carries its rounding into exp()), hence the (1 + |x|) factors.
Reference silu(const Values& x) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.value[i] = x[i] * sigmoid(x[i]);
    r.scale[i] = std::fabs(r.value[i]) * (1 + std::fabs(x[i]));
  }
  return r;
}

Reference gelu(const Values& x, bool tanh_form) {
  Reference r{Values(x.size()), Values(x.size())};
  const double c = std::sqrt(2.0 / std::numbers::pi);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    // 1 + tanh(u) = 2 / (1 + exp(-2u)) and 1 + erf(z) = erfc(-z): the same functions without
    // the cancellation that would cost even double all its digits for large negative v.
    const double u = c * (v + 0.044715 * v * v * v);
    r.value[i] = tanh_form ? v / (1.0 + std::exp(-2.0 * u)) : 0.5 * v * std::erfc(-v / std::numbers::sqrt2);
    r.scale[i] = std::fabs(r.value[i]) * (1 + v * v);
  }
  return r;
}

Reference silu_mul(const Values& gate, const Values& up) {
  Reference r = silu(gate);
  for (std::size_t i = 0; i < gate.size(); ++i) {
    r.value[i] *= up[i];
    r.scale[i] *= std::fabs(up[i]);
  }
  return r;
}

Reference scale(const Values& x, double factor) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.value[i] = x[i] * factor;
    r.scale[i] = std::fabs(r.value[i]);
  }
  return r;
}

// tanh's slope is at most 1, so an f32 kernel's error stays a few ulps of the result.
Reference softcap(const Values& x, double cap) {
  Reference r{Values(x.size()), Values(x.size())};
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.value[i] = cap * std::tanh(x[i] / cap);
    r.scale[i] = 2 * std::fabs(r.value[i]);
  }
  return r;
}

}  // namespace strata_reference
