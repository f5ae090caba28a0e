// Runs a shell command line and collects what it writes to stdout (redirect stderr in the
// command line to keep or drop it): the command-line tests drive the `strata` executable so.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace strata_test {

struct ShellOutcome {
  int status = 0;   // as pclose reports it: 0 for success
  std::string out;  // stdout
};

inline ShellOutcome run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  ShellOutcome outcome;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe)) outcome.out += chunk.data();
  outcome.status = ::pclose(pipe);
  return outcome;
}

}  // namespace strata_test
