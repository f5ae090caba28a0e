// The SDK's logger: spdlog, named "strata", level from STRATA_LOG_LEVEL (default: warn).
#pragma once

#include <spdlog/logger.h>

#include <memory>

namespace strata::detail {

spdlog::logger& logger();

}  // namespace strata::detail
