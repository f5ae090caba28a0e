// The SDK's logger: spdlog, named "strata", level from STRATA_LOG_LEVEL (default: warning), to
// stderr or the integrator's sink (strata/log.hpp).
#pragma once

#include <spdlog/logger.h>

#include <memory>

namespace strata::detail {

spdlog::logger& logger();

}  // namespace strata::detail
