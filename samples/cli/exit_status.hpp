// How `strata` ends: the exit statuses, and the error that means the command line is wrong.
#pragma once

#include <stdexcept>

namespace strata::cli {

// As `strata --help` and docs/integrator-guide.md list them.
enum ExitStatus : int {
  exit_ok = 0,     // the command did what was asked
  exit_error = 1,  // it could not (the message on stderr says why)
  exit_usage = 2,  // the command line itself is wrong: an unknown option, a missing or malformed value
};

// A command line that cannot be run as written, found after parsing (options that exclude each
// other, a value of the wrong form): exit_usage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace strata::cli
