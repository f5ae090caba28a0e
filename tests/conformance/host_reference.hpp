// The suite's own reference: the shared double-precision one (strata_reference) applied to an
// OpSpec. It is used when no CPU device is there to compare with, or when the CPU device itself
// is tested (comparing a device with itself would prove nothing).
#pragma once

#include "op_case.hpp"

#include <vector>

namespace strata_cts {

// The output's values, rounded to the output's dtype. NaN and Inf follow IEEE arithmetic.
std::vector<double> host_reference(const OpSpec& spec, const std::vector<std::vector<double>>& inputs);

}  // namespace strata_cts
