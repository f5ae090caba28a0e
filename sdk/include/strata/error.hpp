// Errors of the C++ API: every failed call throws strata::Error, carrying the plugin's message.
#pragma once

#include <strata/export.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace strata {

enum class StatusCode : std::int32_t {
  ok = 0,
  invalid_argument = 1,
  out_of_memory = 2,
  unsupported = 3,
  unavailable = 4,
  incompatible_version = 5,
  device_lost = 6,
  internal = 7,
  cancelled = 8,  // the caller's CancelToken stopped the work (never a backend's status)
};

STRATA_API std::string_view to_string(StatusCode code);

class STRATA_API Error : public std::runtime_error {
 public:
  Error(StatusCode code, const std::string& message);
  StatusCode code() const noexcept { return code_; }

 private:
  StatusCode code_;
};

}  // namespace strata
