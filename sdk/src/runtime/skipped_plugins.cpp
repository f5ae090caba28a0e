#include "runtime/skipped_plugins.hpp"

#include <fmt/format.h>

namespace strata::detail {
namespace {

// The backend a report is about: its own name when the plugin got that far, else the one its file
// name promises (libstrata_backend_NAME.so).
std::string backend_of(const PluginReport& report) {
  if (!report.name.empty()) return report.name;
  std::string file = report.path.filename().string();
  constexpr std::string_view prefix = "libstrata_backend_";
  constexpr std::string_view suffix = ".so";
  if (!file.starts_with(prefix) || !file.ends_with(suffix)) return {};
  return file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
}

}  // namespace

std::string skipped_plugin_note(const std::vector<PluginReport>& plugins, std::string_view device_name) {
  const std::string_view backend = device_name.substr(0, device_name.find(':'));
  std::string note;
  for (const PluginReport& report : plugins)
    if (!report.loaded && !backend.empty() && backend_of(report) == backend)
      note += fmt::format("; the {} plugin ({}) was skipped: {}", backend, report.path.string(), report.reason);
  return note;
}

}  // namespace strata::detail
