#include "plugin/discovery.hpp"

#include <strata_safe_io/environment.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <string_view>

namespace strata::detail {
namespace {

bool is_backend_plugin_name(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with("libstrata_backend_") && name.ends_with(".so");
}

}  // namespace

std::filesystem::path installed_plugin_dir() {
  Dl_info info{};
  // Any function of libstrata locates the library itself.
  if (dladdr(reinterpret_cast<const void*>(&installed_plugin_dir), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code error;
  const std::filesystem::path library = std::filesystem::canonical(info.dli_fname, error);
  if (error) return {};
  return library.parent_path() / STRATA_PLUGIN_SUBDIR;
}

std::vector<std::filesystem::path> plugins_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file(error) && is_backend_plugin_name(entry.path())) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<PluginCandidate> plugins_from_path_list(const std::string& list) {
  std::vector<PluginCandidate> candidates;
  std::string_view rest = list;
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::filesystem::path entry(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (entry.empty()) continue;
    if (entry.is_relative()) {
      candidates.push_back({entry,
                            "relative entries in STRATA_PLUGIN_PATH are ignored (the current directory is "
                            "never searched); give an absolute path"});
      continue;
    }
    std::error_code error;
    if (std::filesystem::is_directory(entry, error)) {
      for (auto& file : plugins_in(entry)) candidates.push_back({std::move(file), {}});
    } else if (std::filesystem::exists(entry, error)) {
      candidates.push_back({entry, {}});
    } else {
      candidates.push_back({entry, "no such file or folder (named in STRATA_PLUGIN_PATH)"});
    }
  }
  return candidates;
}

std::string plugin_path_variable() { return safe_io::environment_variable("STRATA_PLUGIN_PATH").value_or(""); }

}  // namespace strata::detail
