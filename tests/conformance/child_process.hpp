// Runs the suite in a child process, so that a backend that crashes or hangs is a failed run with
// a reason rather than a dead or stuck strata-cts.
#pragma once

#include <functional>

namespace strata_cts {

// Runs `body` in a forked child and returns its exit code. A child killed by a signal, or still
// running after `time_limit_seconds` (then killed), is reported on stderr and returns exit_fail.
// Call before anything starts threads: only the calling thread lives on in the child.
int run_in_child_process(const std::function<int()>& body, double time_limit_seconds);

}  // namespace strata_cts
