// The one way the SDK and its plugins read environment variables: none of them may choose a path,
// a plugin or a setting when the process runs with elevated privileges (setuid, setgid, file
// capabilities), where the environment belongs to a less privileged user.
#pragma once

#include <optional>
#include <string>

namespace strata::safe_io {

// The variable's value; nullopt when it is unset, empty, or the process runs elevated
// (secure_getenv returns nothing then).
std::optional<std::string> environment_variable(const char* name);

}  // namespace strata::safe_io
