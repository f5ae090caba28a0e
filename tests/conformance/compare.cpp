#include "compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace strata_cts {
namespace {

enum class Class { finite, nan, plus_inf, minus_inf };

Class classify(double v) {
  if (std::isnan(v)) return Class::nan;
  if (std::isinf(v)) return v > 0 ? Class::plus_inf : Class::minus_inf;
  return Class::finite;
}

}  // namespace

Comparison compare(const std::vector<double>& reference, const std::vector<double>& got, const Tolerance& tolerance) {
  Comparison c;
  if (reference.size() != got.size()) {
    c.pass = false;
    c.problem = fmt::format("{} output elements, expected {}", got.size(), reference.size());
    return c;
  }
  double error_sum = 0, reference_sum = 0;
  std::size_t worst = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const Class want = classify(reference[i]);
    if (classify(got[i]) != want) {
      if (c.class_errors++ == 0) c.problem = fmt::format("element {}: expected {}, got {}", i, reference[i], got[i]);
      continue;
    }
    if (want != Class::finite) continue;
    const double error = got[i] - reference[i];
    error_sum += error * error;
    reference_sum += reference[i] * reference[i];
    if (std::fabs(error) > c.max_abs) {
      c.max_abs = std::fabs(error);
      worst = i;
    }
    c.ref_max = std::max(c.ref_max, std::fabs(reference[i]));
  }
  c.nmse = reference_sum > 0 ? error_sum / reference_sum : error_sum;
  const double max_allowed = tolerance.max_rel * std::max(1.0, c.ref_max);
  if (c.class_errors > 0) {
    c.problem = fmt::format("{} elements differ in NaN/Inf/finite; first: {}", c.class_errors, c.problem);
    c.pass = false;
  } else if (c.nmse > tolerance.nmse) {
    c.problem = fmt::format("NMSE {:.3g} > {:.3g}; worst element {}: expected {}, got {}", c.nmse, tolerance.nmse,
                            worst, reference[worst], got[worst]);
    c.pass = false;
  } else if (c.max_abs > max_allowed) {
    c.problem = fmt::format("max error {:.3g} > {:.3g} at element {}: expected {}, got {}", c.max_abs, max_allowed,
                            worst, reference[worst], got[worst]);
    c.pass = false;
  }
  return c;
}

}  // namespace strata_cts
