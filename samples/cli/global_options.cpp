#include "global_options.hpp"

#include "exit_status.hpp"

#include <strata/log.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace strata::cli {
namespace {

// The backend plugins of a folder, named as the SDK's own discovery names them.
std::vector<std::filesystem::path> plugins_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("libstrata_backend_") && name.ends_with(".so") && entry.is_regular_file(error))
      found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

void add_global_options(CLI::App& app, GlobalOptions& global) {
  // Subcommands created after this inherit it: `strata devices --quiet` reaches these options.
  app.fallthrough();
  app.add_option("--plugin-path", global.plugin_paths,
                 "load the backend plugins of this folder (libstrata_backend_*.so), or this plugin file, as well as "
                 "the installed ones and STRATA_PLUGIN_PATH's (repeatable; any command)")
      ->type_name("DIR")
      ->check(CLI::ExistingPath);
  app.add_flag("-q,--quiet", global.quiet, "print nothing on stderr but errors: no progress, no reports (any command)")
      ->each([](const std::string&) {
        if (log_level() < LogLevel::error) set_log_level(LogLevel::error);
      });
}

RuntimeOptions runtime_options(const GlobalOptions& global) {
  RuntimeOptions options;
  for (const std::string& given : global.plugin_paths) {
    // Named on the command line, so relative to where the user is; the SDK takes absolute paths.
    const std::filesystem::path path = std::filesystem::absolute(given);
    if (!std::filesystem::is_directory(path)) {
      options.plugin_files.push_back(path);
      continue;
    }
    const std::vector<std::filesystem::path> found = plugins_in(path);
    if (found.empty()) throw UsageError(fmt::format("--plugin-path {}: no libstrata_backend_*.so in it", given));
    options.plugin_files.insert(options.plugin_files.end(), found.begin(), found.end());
  }
  return options;
}

}  // namespace strata::cli
