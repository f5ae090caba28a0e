// The command line of strata-cts.
#pragma once

#include "case_catalogue.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace strata_cts {

enum class ReferenceChoice { automatic, cpu, host };

struct Options {
  std::string backend;           // test every device of this backend
  std::string device;            // or this one device ("opencl:0")
  std::filesystem::path plugin;  // or every device of the plugin at this path
  bool isolated = false;         // load only --plugin: no installed or STRATA_PLUGIN_PATH plugins
  ReferenceChoice reference = ReferenceChoice::automatic;
  CaseSet set = CaseSet::quick;
  std::vector<std::string> filters;  // a test runs when its name matches any (all when empty)
  bool list = false;
  std::filesystem::path json;
  std::uint64_t seed = 20261121;
  bool require_support = false;  // refusing an op on a claimed dtype is a failure
  int threads = 4;
  bool verbose = false;
  bool child_process = false;        // run the suite in a child: a crash or hang fails, it does not kill
  double time_limit_seconds = 1800;  // with child_process: the child's time before it is killed

  bool selected(const std::string& name) const;
};

// Exit codes, as documented in docs/backend-guide.md.
inline constexpr int exit_pass = 0;
inline constexpr int exit_fail = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_no_device = 3;

// Returns the options, or the exit code to stop with (help: 0, usage error: 2).
std::variant<Options, int> parse_options(int argc, char** argv);

}  // namespace strata_cts
