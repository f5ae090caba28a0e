// Runtimes and their plugins through the C API.
#include "c_api/handles.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>

#include <fmt/format.h>

#include <memory>

namespace strata::c_api {
namespace {

constexpr std::size_t runtime_options_size_1_0 = 32;
constexpr std::size_t plugin_info_size_1_0 = 56;

strata_runtime_options default_runtime_options() {
  strata_runtime_options options{};
  options.struct_size = sizeof(options);
  return options;
}

RuntimeOptions to_cpp(const strata_runtime_options& given) {
  check_flags(
      given.flags,
      STRATA_RUNTIME_NO_INSTALLED_PLUGINS | STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS | STRATA_RUNTIME_NO_CALIBRATION_CACHE,
      "strata_runtime_options.flags");
  RuntimeOptions options;
  options.load_installed_plugins = (given.flags & STRATA_RUNTIME_NO_INSTALLED_PLUGINS) == 0;
  options.load_environment_plugins = (given.flags & STRATA_RUNTIME_NO_ENVIRONMENT_PLUGINS) == 0;
  options.read_calibration_cache = (given.flags & STRATA_RUNTIME_NO_CALIBRATION_CACHE) == 0;
  if (given.plugin_file_count > 0) required(given.plugin_files, "options->plugin_files");
  for (std::size_t i = 0; i < given.plugin_file_count; ++i)
    options.plugin_files.emplace_back(required_text(given.plugin_files[i], "options->plugin_files[i]"));
  if (given.calibration_cache_dir != nullptr) options.calibration_cache_dir = given.calibration_cache_dir;
  return options;
}

const PluginReport& plugin_at(const strata_runtime& runtime, std::size_t index) {
  if (index >= runtime.plugins.size())
    throw ArgumentError(fmt::format("plugin {} does not exist; the runtime tried {}", index, runtime.plugins.size()));
  return runtime.plugins[index];
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

void strata_runtime_options_init(strata_runtime_options* options, size_t struct_size) {
  init_options(options, struct_size, default_runtime_options());
}

strata_status_code strata_runtime_create(const strata_runtime_options* options, strata_runtime** out_runtime) {
  return guarded("strata_runtime_create", [&] {
    strata_runtime*& out = required(out_runtime, "out_runtime");
    const strata_runtime_options given =
        read_options(options, default_runtime_options(), runtime_options_size_1_0, "strata_runtime_options");
    out = std::make_unique<strata_runtime>(to_cpp(given)).release();
  });
}

void strata_runtime_destroy(strata_runtime* runtime) { delete runtime; }

size_t strata_runtime_plugin_count(const strata_runtime* runtime) {
  return runtime == nullptr ? 0 : runtime->plugins.size();
}

strata_status_code strata_runtime_plugin_info(const strata_runtime* runtime, size_t index,
                                              strata_plugin_info* inout_info) {
  return guarded("strata_runtime_plugin_info", [&] {
    const strata::PluginReport& report = plugin_at(required(runtime, "runtime"), index);
    strata_plugin_info info{};
    info.abi_version = report.abi_version;
    info.path = report.path.c_str();
    info.name = report.name.c_str();
    info.version = report.version.c_str();
    info.reason = report.reason.c_str();
    info.device_count = report.device_count;
    info.loaded = report.loaded ? 1 : 0;
    write_info(info, inout_info, plugin_info_size_1_0, "inout_info");
  });
}

strata_status_code strata_runtime_load_plugin(strata_runtime* runtime, const char* path) {
  return guarded("strata_runtime_load_plugin", [&] {
    strata_runtime& handle = required(runtime, "runtime");
    const char* file = required_text(path, "path");
    try {
      handle.runtime.load_plugin(file);
    } catch (...) {
      handle.copy_new_plugin_reports();  // the skipped plugin is reported too
      throw;
    }
    handle.copy_new_plugin_reports();
  });
}

}  // extern "C"
