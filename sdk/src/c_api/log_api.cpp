// Logging through the C API: the level and a callback, over strata/log.hpp.
#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/log.hpp>

#include <fmt/format.h>

#include <string>

extern "C" {

strata_status_code strata_set_log_level(strata_log_level level) {
  return strata::c_api::guarded("strata_set_log_level", [&] {
    if (level < STRATA_LOG_DEBUG || level > STRATA_LOG_OFF)
      throw strata::c_api::ArgumentError(fmt::format("{} is not a strata_log_level", level));
    strata::set_log_level(static_cast<strata::LogLevel>(level));
  });
}

strata_log_level strata_get_log_level(void) { return static_cast<strata_log_level>(strata::log_level()); }

strata_status_code strata_set_log_callback(strata_log_fn callback, void* user_data) {
  return strata::c_api::guarded("strata_set_log_callback", [&] {
    if (callback == nullptr) {
      strata::set_log_sink({});
      return;
    }
    strata::set_log_sink([callback, user_data](strata::LogLevel level, std::string_view message) {
      const std::string text(message);  // NUL-terminated for C
      callback(user_data, static_cast<strata_log_level>(level), text.c_str());
    });
  });
}

}  // extern "C"
