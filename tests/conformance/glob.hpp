// Shell-style name matching for --filter: '*' matches any run of characters, '?' one.
#pragma once

#include <string_view>

namespace strata_cts {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace strata_cts
