// The host table a plugin received at entry, and the C++ side of the status rules:
// errors are thrown inside the plugin and turned into statuses at the C boundary by guard().
#pragma once

#include <strata/backend.h>

#include <fmt/format.h>

#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace strata_plugin {

// Stores the host table; call first thing in strata_backend_entry.
void set_host(const strata_host_api* host);
const strata_host_api* host();

strata_status* make_status(strata_status_code code, const std::string& message);

void log(strata_log_level level, const std::string& message);

// Thrown inside a plugin; guard() turns it into a status with the same code and message.
class Error : public std::runtime_error {
 public:
  Error(strata_status_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  strata_status_code code() const { return code_; }

 private:
  strata_status_code code_;
};

template <typename... Args>
[[noreturn]] void fail(strata_status_code code, fmt::format_string<Args...> format, Args&&... args) {
  throw Error(code, fmt::format(format, std::forward<Args>(args)...));
}

// Runs `body` and converts any exception into a status, so none crosses the C boundary.
template <typename Body>
strata_status* guard(Body&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const Error& error) {
    return make_status(error.code(), error.what());
  } catch (const std::bad_alloc&) {
    return make_status(STRATA_STATUS_OUT_OF_MEMORY, "out of host memory");
  } catch (const std::exception& error) {
    return make_status(STRATA_STATUS_INTERNAL, error.what());
  } catch (...) {
    return make_status(STRATA_STATUS_INTERNAL, "unknown error inside the plugin");
  }
}

}  // namespace strata_plugin
