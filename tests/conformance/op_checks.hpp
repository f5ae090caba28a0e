// Runs the op cases on the device under test and judges each against the reference.
#pragma once

#include "op_case.hpp"
#include "results.hpp"
#include "test_context.hpp"

#include <vector>

namespace strata_cts {

void run_op_cases(const TestContext& context, const std::vector<OpCase>& cases, std::vector<Result>& results);

}  // namespace strata_cts
