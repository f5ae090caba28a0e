#include "child_process.hpp"

#include "options.hpp"

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace strata_cts {

int run_in_child_process(const std::function<int()>& body, double time_limit_seconds) {
  std::fflush(nullptr);  // nothing buffered is printed twice
  const pid_t child = ::fork();
  if (child < 0) {
    fmt::print(stderr, "strata-cts: cannot start the child process: {}\n", std::strerror(errno));
    return exit_fail;
  }
  if (child == 0) std::exit(body());  // as returning from main would: buffers flushed, leaks checked

  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::duration<double>(time_limit_seconds);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) {
      fmt::print(stderr, "strata-cts: lost the child process: {}\n", std::strerror(errno));
      return exit_fail;
    }
    if (clock::now() >= deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      fmt::print(stderr,
                 "strata-cts: FAIL: the backend under test did not finish within {:g} s (a hang, or a device too "
                 "slow for --time-limit); it was killed\n",
                 time_limit_seconds);
      return exit_fail;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    fmt::print(stderr, "strata-cts: FAIL: the backend under test crashed the process (signal {}, {})\n", signal,
               ::strsignal(signal));
    return exit_fail;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : exit_fail;
}

}  // namespace strata_cts
