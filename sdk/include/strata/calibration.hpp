// Measuring devices: the figures the planners' predictions are made of, taken through the
// device interface itself (so a third-party device is measured like a built-in one) and cached
// per device, plugin version and driver in the user's cache folder.
//
//   strata::Runtime runtime;
//   runtime.calibrate();  // measures the devices the cache has nothing for; the rest cost nothing
//   strata::PlanResult plan = strata::plan(graph, runtime, "latency");
//
// `strata calibrate` does the same from the command line; `strata devices --verbose` shows the
// figures and where each came from.
#pragma once

#include <strata/export.hpp>

#include <strata/device.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

struct STRATA_API CalibrationProgress {
  std::string_view device;     // "opencl:0"
  std::string_view step;       // what is being measured: "matvec f16", "copies", ...
  std::size_t step_index = 0;  // 0-based: this is step step_index + 1 of step_count
  std::size_t step_count = 0;
};

struct STRATA_API CalibrationOptions {
  // Measure even the devices the cache already has figures for.
  bool force = false;
  // Read and write the calibration cache (calibration_cache_dir(), or cache_dir when set).
  bool use_cache = true;
  std::optional<std::filesystem::path> cache_dir;
  // Time spent on each measurement, at most (a slow device takes at least one round of each);
  // each figure is the best of the rounds that fit (the round trip: their median). About 2 s per
  // CPU-class device in all.
  double seconds_per_step = 0.2;
  std::function<void(const CalibrationProgress&)> on_progress;
};

// Measures `device` now, through the device interface: matrix-vector bandwidth for every weight
// dtype it stores, matrix-product FLOP/s at prefill sizes, copy bandwidth both ways, the fixed
// cost of an op and of a round trip. Reads and writes no cache. A step the device cannot do
// (an op it refuses, memory it cannot give) leaves that figure absent. Throws Error only when the
// device fails outright (it cannot make a queue, or an op it accepted fails).
STRATA_API DeviceMeasurements measure_device(const Device& device, const CalibrationOptions& options = {});

// The folder the calibration cache lives in: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else
// $HOME/.cache/strata, with "calibration" below it; created private to the user (0700). nullopt
// when the process runs with elevated privileges (the environment does not choose paths then),
// or when the folder is not the user's own or others may write to it (the reason is logged).
STRATA_API std::optional<std::filesystem::path> calibration_cache_dir();

// The cached measurements of `device` in `dir`, when an entry exists for the same stable id,
// plugin, plugin version, driver and description, is a regular file of the user's own that no one
// else may write (in a folder likewise), and reads back whole with positive finite figures;
// nullopt otherwise (a corrupt, foreign or symlinked entry is ignored, and logged).
STRATA_API std::optional<DeviceMeasurements> read_cached_measurements(const DeviceInfo& device,
                                                                      const std::filesystem::path& dir);
// Stores `measurements` for `device` in `dir` (which must exist and be private to the user):
// written to a new private file, then renamed into place, so a reader never sees half an entry
// and a symlink planted in its place is replaced, never followed. Throws Error(unavailable) when
// it cannot.
STRATA_API void write_cached_measurements(const DeviceInfo& device, const DeviceMeasurements& measurements,
                                          const std::filesystem::path& dir);

}  // namespace strata
