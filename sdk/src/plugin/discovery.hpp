// Where plugins come from: the installation's plugin folder, then STRATA_PLUGIN_PATH, then
// files an integrator names. Never the current directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace strata::detail {

struct PluginCandidate {
  std::filesystem::path path;
  std::string rejected;  // non-empty: why this entry cannot be used (relative path, missing file)
};

// <dir of libstrata>/strata/plugins.
std::filesystem::path installed_plugin_dir();

// Backend plugin files (libstrata_backend_*.so) in `dir`, sorted by name.
std::vector<std::filesystem::path> plugins_in(const std::filesystem::path& dir);

// The entries of a ':'-separated path list: folders are scanned, files taken as they are,
// relative entries rejected (they would resolve against the current directory).
std::vector<PluginCandidate> plugins_from_path_list(const std::string& list);

// STRATA_PLUGIN_PATH, read with secure_getenv: empty when the process runs elevated.
std::string plugin_path_variable();

}  // namespace strata::detail
