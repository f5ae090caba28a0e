// The speed figures a plan's predictions are made of, per device: measured ones (strata::
// measure_device, or the calibration cache), the plugin's own where it declares them exact (a
// simulator) or where nothing was measured, and none otherwise. Nothing is guessed: a missing
// figure is NaN, and a note says so.
#pragma once

#include <strata/device.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace strata::detail {

inline constexpr double unknown_figure = std::numeric_limits<double>::quiet_NaN();

// A rate measured on a large op and, where measured, on a small one: between the two sizes it is
// interpolated on a log scale (small ops pay fixed costs a large one hides).
struct RateCurve {
  double large = unknown_figure;
  double large_size = 0;
  double small = unknown_figure;
  double small_size = 0;

  double at(double size) const;  // NaN when not measured
};

// A one-row matrix product reading `bytes` of weights into `rows` outputs takes a fixed cost
// plus the larger of two times: its work in the caches (per output row and per byte, as three
// small products show it) and its weights streamed from memory (per byte at the bandwidth, and
// per row what rows of 1024 cost beyond rows of 4096 with the same bytes). The two overlap: a
// small product pays for its rows, a large one for its streaming.
struct MatvecModel {
  double bandwidth = unknown_figure;  // bytes/s of weights too large for the caches, rows apart
  double per_streamed_row = 0;
  double fixed = 0;
  double per_row = 0;
  double per_byte = 0;  // in the caches

  double seconds(double rows, double bytes) const {
    return fixed + std::max(rows * per_row + bytes * per_byte, bytes / bandwidth + rows * per_streamed_row);
  }
};

struct DeviceFigures {
  std::map<DType, MatvecModel> matvec;      // per weight dtype
  std::map<DType, RateCurve> matmul_flops;  // FLOP/s, per weight dtype, by the product's rows
  double host_to_device = unknown_figure;   // bytes/s
  double device_to_host = unknown_figure;   // bytes/s
  // Fixed costs; nullopt where not measured (a simulator's or a plugin's reported figures do not
  // have them: the plan then uses PlanOptions::link_latency for transfers and nothing per op).
  std::optional<double> op_seconds;
  std::optional<double> round_trip_seconds;
  std::map<std::string, double> op_kind_seconds;  // one small op of each kind ("rope", "attention", ...)
  // The reference layer timed whole, by the tokens of the step (DeviceMeasurements::layer_seconds).
  std::map<std::int64_t, double> layer_seconds;
  // f32 matrix-vector bandwidth by the size of the weights (the large figure included): caches
  // serve a model that fits them faster than memory does.
  std::map<double, double> f32_bandwidth_by_size;

  // How much faster than the large figure weights of `bytes` stream (1 where not measured).
  double working_set_scale(double bytes) const;

  // The figures for `dtype`, else f32's (the dtype a device converts weights to); NaN when
  // neither was measured.
  const MatvecModel& matvec_of(DType dtype) const;
  double bandwidth(DType dtype) const { return matvec_of(dtype).bandwidth; }
  double flops(DType dtype, double rows = DeviceMeasurements::large_matmul_rows) const;
  // The fixed cost of one small op of `kind`, else of a small op, else 0.
  double op_cost(const std::string& kind) const;
  // An attention op of `queries` queries: between the measured one-query and prompt costs.
  double attention_cost(double queries) const;
  bool has_speed() const { return !matvec.empty(); }
};

// Resolves `info`'s figures; appends a note when they are not measured ones, or missing.
DeviceFigures figures_of(const DeviceInfo& info, std::vector<std::string>& notes);

}  // namespace strata::detail
