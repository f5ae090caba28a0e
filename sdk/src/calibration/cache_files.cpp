#include "calibration/cache_entry.hpp"
#include "core/log.hpp"

#include <strata/calibration.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/private_file.hpp>

#include <fmt/format.h>

namespace strata {
namespace detail {
namespace {

[[noreturn]] void fail_write(const std::filesystem::path& dir, const std::string& what) {
  throw Error(StatusCode::unavailable,
              fmt::format("cannot write the calibration cache in {}: {}; check the folder's space and permissions, "
                          "or set STRATA_CACHE_DIR to another folder",
                          dir.string(), what));
}

}  // namespace
}  // namespace detail

std::optional<DeviceMeasurements> read_cached_measurements(const DeviceInfo& device, const std::filesystem::path& dir) {
  std::string why;
  const std::optional<safe_io::PrivateDir> folder = safe_io::open_private_dir(dir, why);
  if (!folder) {
    if (!why.empty()) detail::log_warning("calibration cache not used: {}", why);
    return std::nullopt;
  }
  const std::string name = detail::cache_entry_file_name(device);
  const std::optional<std::string> text = safe_io::read_private_file(*folder, name, detail::cache_entry_max_bytes, why);
  std::optional<DeviceMeasurements> measurements;
  bool outdated = false;
  if (text) measurements = detail::decode_cache_entry(*text, device, why, outdated);
  if (!why.empty()) {
    // An upgrade leaves outdated entries behind: expected, so not worth a warning. A damaged or
    // untrusted entry is.
    const LogLevel level = outdated ? LogLevel::info : LogLevel::warning;
    detail::log_at(level,
                   "{}: calibration cache entry {} ignored (the device is measured again when a plan needs it, "
                   "or by `strata calibrate`): it {}",
                   device.name, (dir / name).string(), why);
  }
  return measurements;
}

void write_cached_measurements(const DeviceInfo& device, const DeviceMeasurements& measurements,
                               const std::filesystem::path& dir) {
  std::string why;
  const std::optional<safe_io::PrivateDir> folder = safe_io::open_private_dir(dir, why);
  if (!folder) detail::fail_write(dir, why.empty() ? "the folder does not exist" : why);
  const std::string entry_name = detail::cache_entry_file_name(device);
  if (!safe_io::write_private_file(*folder, entry_name, detail::encode_cache_entry(device, measurements), why))
    detail::fail_write(dir, why);
  detail::log_debug("{}: measurements cached in {}", device.name, (dir / entry_name).string());
}

}  // namespace strata
