#include "calibration/cache_dir.hpp"
#include "calibration/calibration_rules.hpp"
#include "core/log.hpp"
#include "plugin/discovery.hpp"
#include "runtime/skipped_plugins.hpp"
#include "runtime/state.hpp"

#include <strata/error.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace strata {
namespace detail {

struct RuntimeState {
  std::vector<Device> devices;
  std::vector<PluginReport> plugins;
  std::set<std::filesystem::path> loaded_files;
  // Where devices' measurements are read from as they are added; nullopt: not read.
  std::optional<std::filesystem::path> calibration_cache;

  // Loads one plugin file; returns its report (also kept in `plugins`).
  const PluginReport& add(const std::filesystem::path& path, const std::string& rejected) {
    PluginReport report;
    report.path = path;
    std::error_code error;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
    if (!rejected.empty()) {
      report.reason = rejected;
    } else if (loaded_files.contains(canonical)) {
      report.reason = "already loaded from the same file";
    } else if (auto plugin = BackendPlugin::load(path, report)) {
      for (const PluginReport& other : plugins) {
        if (other.loaded && other.name == report.name) {
          report.loaded = false;
          report.reason =
              fmt::format("a backend named '{}' is already loaded from {}", report.name, other.path.string());
          plugins.push_back(std::move(report));
          return plugins.back();
        }
      }
      try {
        add_devices(plugin, report.version);
        loaded_files.insert(canonical);
      } catch (const std::exception& failure) {
        // A plugin that fails after its entry point is skipped like one whose probe fails: other
        // plugins' devices stay usable.
        report.loaded = false;
        report.device_count = 0;
        report.reason = failure.what();
        log_info("skipping plugin {}: {}", path.string(), report.reason);
      }
    }
    plugins.push_back(std::move(report));
    return plugins.back();
  }

  // A plugin named by the integrator: absolute paths only, never resolved against the
  // current directory.
  const PluginReport& add_explicit(const std::filesystem::path& path) {
    return add(path, path.is_relative() ? "a plugin is loaded by absolute path only (the current directory is never "
                                          "searched)"
                                        : "");
  }

  // All of the plugin's devices, or none (the first that cannot be described throws).
  void add_devices(const std::shared_ptr<BackendPlugin>& plugin, const std::string& plugin_version) {
    std::vector<Device> added;
    const auto& handles = plugin->devices();
    const std::string backend = plugin->api().name;
    for (std::size_t i = 0; i < handles.size(); ++i) {
      // A backend with a single CPU device is simply "cpu"; otherwise "<backend>:<index>".
      std::string name = backend == "cpu" && handles.size() == 1 ? backend : fmt::format("{}:{}", backend, i);
      auto state = std::make_shared<DeviceState>();
      state->plugin = plugin;
      state->handle = handles[i];
      state->info = read_device_info(*plugin, handles[i], std::move(name));
      // The plugin's version as its table says, where the device properties do not.
      if (state->info.plugin_version.empty()) state->info.plugin_version = plugin_version;
      if (calibration_cache && !state->info.caps.exact_speeds)
        state->info.measured = read_cached_measurements(state->info, *calibration_cache);
      added.emplace_back(std::move(state));
    }
    devices.insert(devices.end(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
  }
};

}  // namespace detail

Runtime::Runtime(const RuntimeOptions& options) : state_(std::make_unique<detail::RuntimeState>()) {
  if (options.read_calibration_cache)
    state_->calibration_cache = detail::readable_cache_dir(options.calibration_cache_dir);
  if (options.load_installed_plugins) {
    for (const auto& path : detail::plugins_in(detail::installed_plugin_dir())) state_->add(path, {});
  }
  if (options.load_environment_plugins) {
    for (const auto& candidate : detail::plugins_from_path_list(detail::plugin_path_variable()))
      state_->add(candidate.path, candidate.rejected);
  }
  for (const auto& path : options.plugin_files) {
    state_->add_explicit(path);
  }
}

Runtime::Runtime(Runtime&&) noexcept = default;
Runtime& Runtime::operator=(Runtime&&) noexcept = default;
Runtime::~Runtime() = default;

const std::vector<Device>& Runtime::devices() const { return state_->devices; }
const std::vector<PluginReport>& Runtime::plugins() const { return state_->plugins; }

std::optional<Device> Runtime::find_device(std::string_view name) const {
  for (const Device& device : state_->devices) {
    if (device.name() == name) return device;
    // "cpu:0" also names the single CPU device called "cpu".
    if (device.name() == device.info().backend && name == device.name() + ":0") return device;
  }
  return std::nullopt;
}

Device Runtime::device(std::string_view name) const {
  if (auto found = find_device(name)) return *found;
  std::string names;
  for (const Device& device : state_->devices) names += (names.empty() ? "" : ", ") + device.name();
  throw Error(StatusCode::invalid_argument,
              fmt::format("no device named '{}'; the devices here are: {}{} (`strata devices` lists the plugins "
                          "skipped and why)",
                          name, names.empty() ? "none" : names, detail::skipped_plugin_note(state_->plugins, name)));
}

void Runtime::load_plugin(const std::filesystem::path& path) {
  const PluginReport& report = state_->add_explicit(path);
  if (!report.loaded)
    throw Error(StatusCode::unavailable, fmt::format("cannot use plugin {}: {}", path.string(), report.reason));
}

void Runtime::calibrate(const CalibrationOptions& options, const std::vector<std::string>& names) {
  std::vector<Device> chosen = names.empty() ? state_->devices : std::vector<Device>{};
  for (const std::string& name : names) {
    const Device device = this->device(name);  // throws for an unknown name, listing the devices
    if (std::find(chosen.begin(), chosen.end(), device) == chosen.end()) chosen.push_back(device);
  }
  std::optional<std::filesystem::path> cache;
  if (options.use_cache) cache = detail::writable_cache_dir(options.cache_dir);
  for (const Device& device : chosen) {
    DeviceInfo& info = device.state()->info;
    if (info.caps.exact_speeds) {
      detail::log_debug("{}: not measured: its plugin reports exact speeds", info.name);
      continue;
    }
    // Figures cached since this Runtime started (or in another cache folder) count as measured.
    if (!options.force && !info.measured && cache) info.measured = read_cached_measurements(info, *cache);
    if (!detail::should_measure(info, options)) continue;
    info.measured = measure_device(device, options);
    if (!cache) continue;
    try {
      write_cached_measurements(info, *info.measured, *cache);
    } catch (const Error& error) {
      detail::log_warning("{}: measured, but not cached: {}", info.name, error.what());
    }
  }
}

std::filesystem::path Runtime::installed_plugin_dir() { return detail::installed_plugin_dir(); }

}  // namespace strata
