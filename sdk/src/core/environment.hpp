// The one place the SDK reads its environment variables: none of them may choose a path or a
// plugin when the process runs with elevated privileges (setuid, setgid, file capabilities).
#pragma once

#include <optional>
#include <string>

namespace strata::detail {

// The variable's value; nullopt when it is unset, empty, or the process runs elevated
// (secure_getenv returns nothing then).
std::optional<std::string> environment_variable(const char* name);

}  // namespace strata::detail
