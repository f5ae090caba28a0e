#include "chat_template/errors.hpp"

#include <fmt/format.h>

namespace strata::chat_template {

Error template_error(std::size_t line, const std::string& what) {
  return Error(StatusCode::invalid_argument, fmt::format("chat template: line {}: {}", line, what));
}

}  // namespace strata::chat_template
