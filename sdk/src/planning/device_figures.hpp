// The speed figures a plan's predictions are made of, per device: measured ones (strata::
// measure_device, or the calibration cache), the plugin's own where it declares them exact (a
// simulator) or where nothing was measured, and none otherwise. Nothing is guessed: a missing
// figure is NaN, and a note says so.
#pragma once

#include <strata/device.hpp>

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::detail {

inline constexpr double unknown_figure = std::numeric_limits<double>::quiet_NaN();

struct DeviceFigures {
  std::map<DType, double> matvec_bandwidth;  // bytes of weights/s, per weight dtype
  std::map<DType, double> matmul_flops;      // FLOP/s at prefill sizes, per weight dtype
  double host_to_device = unknown_figure;    // bytes/s
  double device_to_host = unknown_figure;    // bytes/s
  // Fixed costs; nullopt where not measured (a simulator's or a plugin's reported figures do not
  // have them: the plan then uses PlanOptions::link_latency for transfers and nothing per op).
  std::optional<double> op_seconds;
  std::optional<double> round_trip_seconds;

  // The figure for `dtype`, else f32's (the dtype a device converts weights to), else NaN.
  double bandwidth(DType dtype) const;
  double flops(DType dtype) const;
  bool has_speed() const { return !matvec_bandwidth.empty(); }
};

// Resolves `info`'s figures; appends a note when they are not measured ones, or missing.
DeviceFigures figures_of(const DeviceInfo& info, std::vector<std::string>& notes);

}  // namespace strata::detail
