// Measuring devices before planning on them: `strata run` and `strata plan` measure the devices
// that have no figures yet (the first time on a machine; the cache serves every later run).
#pragma once

#include <strata/runtime.hpp>

#include <string>
#include <vector>

namespace strata::cli {

// Measures those of `names` (every device when empty) that have no measured figures and whose
// figures are not exact, with progress on stderr unless `quiet`.
void calibrate_unmeasured(Runtime& runtime, bool quiet, const std::vector<std::string>& names = {});

}  // namespace strata::cli
