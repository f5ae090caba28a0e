// The entry point for integrators: loads backend plugins and lists their devices.
#pragma once

#include <strata/export.hpp>

#include <strata/calibration.hpp>
#include <strata/device.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

namespace detail {
struct RuntimeState;
}

struct STRATA_API RuntimeOptions {
  // The plugin folder of the installation, found relative to the SDK library itself.
  bool load_installed_plugins = true;
  // Folders and files listed in STRATA_PLUGIN_PATH (':'-separated); ignored when the process
  // runs with elevated privileges.
  bool load_environment_plugins = true;
  // Plugin files to load as well, by explicit path.
  std::vector<std::filesystem::path> plugin_files;
  // Fill DeviceInfo::measured from the calibration cache (reading it measures nothing and creates
  // no folder).
  bool read_calibration_cache = true;
  // The cache folder to read; default: calibration_cache_dir().
  std::optional<std::filesystem::path> calibration_cache_dir;
};

// What happened to one plugin file: loaded, or skipped and why.
struct STRATA_API PluginReport {
  std::filesystem::path path;
  std::string name;     // the backend's name, when it got that far
  std::string version;  // the plugin's own version string
  std::uint32_t abi_version = 0;
  bool loaded = false;
  std::string reason;  // why it was skipped; empty when loaded
  std::size_t device_count = 0;
  bool found_no_device = false;  // skipped because its probe found no device here (not an error)
};

class STRATA_API Runtime {
 public:
  explicit Runtime(const RuntimeOptions& options = {});
  Runtime(Runtime&&) noexcept;
  Runtime& operator=(Runtime&&) noexcept;
  ~Runtime();

  const std::vector<Device>& devices() const;
  const std::vector<PluginReport>& plugins() const;
  // "cpu", "opencl:0", ...: throws Error(invalid_argument) listing the devices that exist.
  Device device(std::string_view name) const;
  std::optional<Device> find_device(std::string_view name) const;

  // Loads one more plugin by path; throws Error with the reason when it cannot be used.
  void load_plugin(const std::filesystem::path& path);

  // Measures the named devices (every device when `names` is empty) that have no measurements
  // yet, in this Runtime or in the cache (all of them with options.force), stores the figures in
  // the cache (a failure to write it is logged, not thrown) and in each device's
  // DeviceInfo::measured. Devices whose plugin reports exact speeds (simulators) are not
  // measured. Changes what info() returns: call it before the devices are used from other
  // threads. Throws Error(invalid_argument) for an unknown name.
  void calibrate(const CalibrationOptions& options = {}, const std::vector<std::string>& names = {});

  // The plugin folder of this installation.
  static std::filesystem::path installed_plugin_dir();

 private:
  std::unique_ptr<detail::RuntimeState> state_;
};

}  // namespace strata
