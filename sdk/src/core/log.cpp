#include "core/log.hpp"

#include <strata_safe_io/environment.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace strata::detail {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto made = std::make_shared<spdlog::logger>("strata", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    const std::optional<std::string> level = safe_io::environment_variable("STRATA_LOG_LEVEL");
    made->set_level(level ? spdlog::level::from_str(*level) : spdlog::level::warn);
    made->set_pattern("[strata %l] %v");
    return made;
  }();
  return *instance;
}

}  // namespace strata::detail
