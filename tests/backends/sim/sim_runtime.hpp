// A Runtime with only the plugins these tests build (sim, and cpu where the test needs it),
// loaded by explicit path with STRATA_SIM_DEVICES set to `devices_json` first.
#pragma once

#include <strata/runtime.hpp>

#include <cstdlib>
#include <string>

namespace strata::test {

inline Runtime sim_runtime(const std::string& devices_json, bool with_cpu = false) {
  if (devices_json.empty())
    ::unsetenv("STRATA_SIM_DEVICES");
  else
    ::setenv("STRATA_SIM_DEVICES", devices_json.c_str(), 1);
  RuntimeOptions options;
  options.load_installed_plugins = false;
  options.load_environment_plugins = false;
  options.plugin_files = {STRATA_SIM_PLUGIN};
  if (with_cpu) options.plugin_files.emplace_back(STRATA_CPU_PLUGIN);
  return Runtime(options);
}

}  // namespace strata::test
