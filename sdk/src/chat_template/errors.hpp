// Errors of a chat template, phrased for whoever has to fix the template: where, and what.
#pragma once

#include <strata/error.hpp>

#include <cstddef>
#include <string>

namespace strata::chat_template {

Error template_error(std::size_t line, const std::string& what);

}  // namespace strata::chat_template
