// The message of the strata::Error an action throws, or "" when it throws none: for tests that
// check what a refusal says.
#pragma once

#include <strata/error.hpp>

#include <functional>
#include <string>

namespace strata_test {

inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const strata::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace strata_test
