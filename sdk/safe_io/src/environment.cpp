#include <strata_safe_io/environment.hpp>

#include <cstdlib>

namespace strata::safe_io {

std::optional<std::string> environment_variable(const char* name) {
  const char* value = secure_getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace strata::safe_io
