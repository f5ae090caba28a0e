#include <strata/error.hpp>

namespace strata {

std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::ok:
      return "ok";
    case StatusCode::invalid_argument:
      return "invalid argument";
    case StatusCode::out_of_memory:
      return "out of memory";
    case StatusCode::unsupported:
      return "unsupported";
    case StatusCode::unavailable:
      return "unavailable";
    case StatusCode::incompatible_version:
      return "incompatible version";
    case StatusCode::device_lost:
      return "device lost";
    case StatusCode::internal:
      return "internal error";
    case StatusCode::cancelled:
      return "cancelled";
  }
  return "unknown status";
}

Error::Error(StatusCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

}  // namespace strata
