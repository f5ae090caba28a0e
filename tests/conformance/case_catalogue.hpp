// The list of op cases: every op of the op set over shapes chosen to break tiled kernels
// (odd sizes, sizes that are no multiple of any tile, tiny and large, every grouped-query ratio,
// long contexts), every dtype variant, in-place forms, odd offsets and NaN/Inf/large data.
#pragma once

#include "op_case.hpp"

#include <vector>

namespace strata_cts {

enum class CaseSet { quick, full };

std::vector<OpCase> op_cases(CaseSet set);

}  // namespace strata_cts
