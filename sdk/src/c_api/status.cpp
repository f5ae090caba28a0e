// The per-thread message, the names of codes, and the version of the C API.
#include "c_api/status.hpp"

#include <string>

namespace strata::c_api {
namespace {

// Per thread, so that no thread sees another's failure, and nothing is handed to the caller to free.
thread_local std::string last_error;

}  // namespace

void clear_error() noexcept { last_error.clear(); }

const char* last_error_message() noexcept { return last_error.c_str(); }

strata_status_code fail(strata_status_code code, const char* message) noexcept {
  try {
    last_error = message;
  } catch (...) {
    last_error.clear();  // no memory for the message: the code alone must do
  }
  return code;
}

strata_status_code fail_in(const char* function, const char* message) noexcept {
  try {
    return fail(STRATA_STATUS_INVALID_ARGUMENT, (std::string(function) + ": " + message).c_str());
  } catch (...) {
    return fail(STRATA_STATUS_INVALID_ARGUMENT, message);
  }
}

}  // namespace strata::c_api

extern "C" {

uint32_t strata_c_api_version(void) { return STRATA_C_API_VERSION; }

const char* strata_last_error_message(void) { return strata::c_api::last_error_message(); }

// The C++ names are views of string literals: NUL-terminated and static.
const char* strata_status_code_name(strata_status_code code) {
  return strata::to_string(static_cast<strata::StatusCode>(code)).data();
}

}  // extern "C"
