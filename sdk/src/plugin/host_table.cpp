#include "plugin/host_table.hpp"

#include "core/log.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::detail {
namespace {

// Returned when even the status cannot be allocated; recognised by address, never freed.
strata_status out_of_host_memory{STRATA_STATUS_OUT_OF_MEMORY, {}};

strata_status* create_status(strata_status_code code, const char* message) {
  try {  // nothing may throw into the plugin
    return new strata_status{code == STRATA_STATUS_OK ? STRATA_STATUS_INTERNAL : code,
                             message != nullptr ? message : "(no message)"};
  } catch (...) {
    return &out_of_host_memory;
  }
}

void log_from_plugin(strata_log_level level, const char* message) {
  if (message == nullptr) return;
  try {
    switch (level) {
      case STRATA_LOG_DEBUG:
        log_debug("{}", message);
        break;
      case STRATA_LOG_INFO:
        log_info("{}", message);
        break;
      case STRATA_LOG_WARNING:
        log_warning("{}", message);
        break;
      default:
        log_error("{}", message);
        break;
    }
  } catch (...) {
  }
}

void release(strata_status* status) {
  if (status != &out_of_host_memory) delete status;
}

}  // namespace

const strata_host_api& host_table() {
  static const strata_host_api table{sizeof(strata_host_api), STRATA_BACKEND_ABI_VERSION, &create_status,
                                     &log_from_plugin};
  return table;
}

void check(strata_status* status, std::string_view context) {
  if (status == nullptr) return;
  const StatusCode code = static_cast<StatusCode>(status->code);
  std::string message = status->message.empty() ? std::string(to_string(code)) : status->message;
  release(status);
  throw Error(code, fmt::format("{}: {}", context, message));
}

std::string take_message(strata_status* status) {
  if (status == nullptr) return {};
  std::string message = status->message;
  release(status);
  return message;
}

}  // namespace strata::detail
