// Measuring devices through the C API.
#include "c_api/handles.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>
#include <strata/calibration.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

namespace strata::c_api {
namespace {

constexpr std::size_t calibration_options_size_1_0 = 48;

strata_calibration_options default_calibration_options() {
  strata_calibration_options options{};
  options.struct_size = sizeof(options);
  options.seconds_per_step = CalibrationOptions{}.seconds_per_step;
  return options;
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

void strata_calibration_options_init(strata_calibration_options* options, size_t struct_size) {
  init_options(options, struct_size, default_calibration_options());
}

strata_status_code strata_runtime_calibrate(strata_runtime* runtime, const strata_calibration_options* options) {
  return guarded("strata_runtime_calibrate", [&] {
    strata_runtime& handle = required(runtime, "runtime");
    const strata_calibration_options given = read_options(options, default_calibration_options(),
                                                          calibration_options_size_1_0, "strata_calibration_options");
    check_flags(given.flags, STRATA_CALIBRATE_FORCE | STRATA_CALIBRATE_NO_CACHE, "strata_calibration_options.flags");
    if (!std::isfinite(given.seconds_per_step) || given.seconds_per_step <= 0)
      throw ArgumentError(fmt::format("seconds_per_step must be > 0, not {}", given.seconds_per_step));
    strata::CalibrationOptions calibration;
    calibration.force = (given.flags & STRATA_CALIBRATE_FORCE) != 0;
    calibration.use_cache = (given.flags & STRATA_CALIBRATE_NO_CACHE) == 0;
    calibration.seconds_per_step = given.seconds_per_step;
    if (given.on_progress != nullptr) {
      calibration.on_progress = [&given](const strata::CalibrationProgress& progress) {
        const std::string device(progress.device);
        const std::string step(progress.step);
        given.on_progress(given.user_data, device.c_str(), step.c_str(), progress.step_index, progress.step_count);
      };
    }
    std::vector<std::string> names;
    if (given.device_name_count > 0) required(given.device_names, "options->device_names");
    for (std::size_t i = 0; i < given.device_name_count; ++i)
      names.emplace_back(required_text(given.device_names[i], "options->device_names[i]"));
    handle.runtime.calibrate(calibration, names);
  });
}

}  // extern "C"
