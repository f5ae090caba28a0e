// Tolerances per op and dtype. They assume what backend.h requires: compute in float32, with
// f16/bf16 inputs converted exactly. Reduced-precision arithmetic inside an op fails them.
#pragma once

#include "compare.hpp"
#include "op_case.hpp"

namespace strata_cts {

Tolerance tolerance_for(const OpCase& c);

}  // namespace strata_cts
