// The SDK's logger: spdlog, named "strata", level from STRATA_LOG_LEVEL (default: warning), to
// stderr or the integrator's sink (strata/log.hpp). Only log.cpp sees spdlog: its header-only
// build costs seconds of compile time in every file that includes it.
#pragma once

#include <strata/log.hpp>

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace strata::detail {

// Whether a message at this level would be written: below the logger's level nothing is formatted.
bool log_enabled(LogLevel level);
void log_message(LogLevel level, std::string_view message);

template <typename... Args>
void log_at(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (log_enabled(level)) log_message(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void log_debug(fmt::format_string<Args...> format, Args&&... args) {
  log_at(LogLevel::debug, format, std::forward<Args>(args)...);
}
template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
  log_at(LogLevel::info, format, std::forward<Args>(args)...);
}
template <typename... Args>
void log_warning(fmt::format_string<Args...> format, Args&&... args) {
  log_at(LogLevel::warning, format, std::forward<Args>(args)...);
}
template <typename... Args>
void log_error(fmt::format_string<Args...> format, Args&&... args) {
  log_at(LogLevel::error, format, std::forward<Args>(args)...);
}

}  // namespace strata::detail
