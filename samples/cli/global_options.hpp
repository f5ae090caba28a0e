// The options every command of `strata` takes: where more plugins are, and how much to say.
#pragma once

#include <strata/runtime.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace strata::cli {

struct GlobalOptions {
  std::vector<std::string> plugin_paths;  // --plugin-path, in the order given
  bool quiet = false;                     // --quiet: nothing on stderr but errors
};

// Adds --plugin-path and --quiet to `app`; its subcommands accept them too (they fall through).
void add_global_options(CLI::App& app, GlobalOptions& global);

// The runtime's options: the installed plugins, STRATA_PLUGIN_PATH, and each --plugin-path (a
// plugin file, or a folder whose libstrata_backend_*.so files are loaded, sorted by name).
// Throws UsageError for a folder that holds no plugin.
RuntimeOptions runtime_options(const GlobalOptions& global);

}  // namespace strata::cli
