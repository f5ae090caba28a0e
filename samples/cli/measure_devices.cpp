#include "measure_devices.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <cstdio>

#include <unistd.h>

namespace strata::cli {

void calibrate_unmeasured(Runtime& runtime, bool quiet, const std::vector<std::string>& names) {
  std::vector<std::string> unmeasured;
  for (const Device& device : runtime.devices()) {
    const DeviceInfo& info = device.info();
    const bool wanted = names.empty() || std::find(names.begin(), names.end(), info.name) != names.end();
    if (wanted && !info.measured && !info.caps.exact_speeds) unmeasured.push_back(info.name);
  }
  if (unmeasured.empty()) return;
  CalibrationOptions options;
  if (quiet) {
    runtime.calibrate(options, unmeasured);
    return;
  }
  fmt::print(stderr, "measuring {} for the planner (once: the figures are cached; `strata calibrate` measures again)\n",
             fmt::join(unmeasured, ", "));
  const bool terminal = isatty(STDERR_FILENO) != 0;
  options.on_progress = [terminal](const CalibrationProgress& progress) {
    if (terminal)
      fmt::print(stderr, "\r  {}: {} ({}/{})\x1b[K", progress.device, progress.step, progress.step_index + 1,
                 progress.step_count);
    else if (progress.step_index == 0)
      fmt::print(stderr, "  {}: {} steps\n", progress.device, progress.step_count);
    std::fflush(stderr);
  };
  runtime.calibrate(options, unmeasured);
  if (terminal) fmt::print(stderr, "\r\x1b[K");
}

}  // namespace strata::cli
