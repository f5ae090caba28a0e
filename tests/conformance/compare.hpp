// How a device's output is judged against the reference: NaN and Inf must sit exactly where
// the reference has them, and the finite values must agree within the op's tolerance.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace strata_cts {

struct Tolerance {
  double nmse = 0;     // normalised mean squared error: sum (got - ref)^2 / sum ref^2
  double max_rel = 0;  // max |got - ref| allowed, as a fraction of max(1, max |ref|)
};

struct Comparison {
  double nmse = 0;
  double max_abs = 0;            // the largest |got - ref| over finite elements
  double ref_max = 0;            // the largest |ref| over finite elements
  std::size_t class_errors = 0;  // elements where NaN/Inf/finite differ
  std::string problem;           // the first problem, in words; empty when it passed
  bool pass = true;
};

Comparison compare(const std::vector<double>& reference, const std::vector<double>& got, const Tolerance& tolerance);

}  // namespace strata_cts
