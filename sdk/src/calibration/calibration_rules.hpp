// Which devices Runtime::calibrate measures.
#pragma once

#include <strata/calibration.hpp>

namespace strata::detail {

// A device whose plugin reports exact speeds (a simulator) is never measured: its figures are
// the truth. Any other is measured when it has no measurements yet, or when asked to force.
bool should_measure(const DeviceInfo& device, const CalibrationOptions& options);

}  // namespace strata::detail
