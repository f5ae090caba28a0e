#include "calibration/calibration_rules.hpp"

namespace strata::detail {

bool should_measure(const DeviceInfo& device, const CalibrationOptions& options) {
  if (device.caps.exact_speeds) return false;
  return options.force || !device.measured;
}

}  // namespace strata::detail
