#include "planning/device_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace strata::detail {
namespace {

bool usable(double value) { return value > 0 && std::isfinite(value); }
double positive_or_unknown(double value) { return usable(value) ? value : unknown_figure; }

RateCurve flat(double rate) {
  RateCurve curve;
  curve.large = positive_or_unknown(rate);
  return curve;
}

DeviceFigures reported_figures(const DeviceInfo& info) {
  DeviceFigures figures;
  for (DType dtype : {DType::f32, DType::f16, DType::bf16}) {
    if (usable(info.memory_bandwidth)) figures.matvec[dtype].bandwidth = info.memory_bandwidth;
    if (usable(info.peak_flops)) figures.matmul_flops[dtype] = flat(info.peak_flops);
  }
  // A CPU's "link" to the host is a copy within host memory.
  double link = positive_or_unknown(info.host_link_bandwidth);
  if (std::isnan(link) && info.kind == DeviceKind::cpu) link = positive_or_unknown(info.memory_bandwidth);
  figures.host_to_device = figures.device_to_host = link;
  return figures;
}

DeviceFigures measured_figures(const DeviceMeasurements& measured) {
  constexpr auto small = static_cast<double>(DeviceMeasurements::small_dim);
  DeviceFigures figures;
  if (const auto it = measured.matvec_bandwidth.find(DType::f32);
      it != measured.matvec_bandwidth.end() && usable(it->second) && measured.matvec_weight_bytes > 0) {
    figures.f32_bandwidth_by_size[measured.matvec_weight_bytes] = it->second;
    for (const auto& [bytes, rate] : measured.f32_matvec_bandwidth_by_size)
      if (usable(rate) && static_cast<double>(bytes) < measured.matvec_weight_bytes)
        figures.f32_bandwidth_by_size[static_cast<double>(bytes)] = rate;
  }
  for (const auto& [dtype, rate] : measured.matvec_bandwidth) {
    MatvecModel& model = figures.matvec[dtype];
    model.bandwidth = positive_or_unknown(rate);
    const auto element = static_cast<double>(dtype_size(dtype));
    if (const auto narrow = measured.narrow_matvec_bandwidth.find(dtype);
        usable(model.bandwidth) && narrow != measured.narrow_matvec_bandwidth.end() && usable(narrow->second)) {
      // Equal bytes in rows of 4096 and of 1024: the extra time of the narrow rows is their count's.
      constexpr auto long_row = static_cast<double>(DeviceMeasurements::matvec_columns);
      constexpr auto short_row = static_cast<double>(DeviceMeasurements::narrow_columns);
      const double rows_per_byte_gained = 1.0 / (short_row * element) - 1.0 / (long_row * element);
      model.per_streamed_row = std::max(0.0, (1.0 / narrow->second - 1.0 / model.bandwidth) / rows_per_byte_gained);
      model.bandwidth = 1.0 / (1.0 / model.bandwidth - model.per_streamed_row / (long_row * element));
    }
    const auto small_it = measured.small_matvec_seconds.find(dtype);
    const auto tall_it = measured.tall_matvec_seconds.find(dtype);
    const auto wide_it = measured.wide_matvec_seconds.find(dtype);
    if (std::isnan(model.bandwidth) || small_it == measured.small_matvec_seconds.end() ||
        tall_it == measured.tall_matvec_seconds.end() || wide_it == measured.wide_matvec_seconds.end())
      continue;
    // fixed + rows x per_row + bytes x per_byte through the three products: the wide one has the
    // small one's rows and more bytes; the tall one more rows and more bytes.
    constexpr auto tall = static_cast<double>(DeviceMeasurements::tall_rows);
    constexpr auto wide = static_cast<double>(DeviceMeasurements::wide_columns);
    const double small_bytes = small * small * element;
    const double tall_bytes = tall * small * element;
    const double wide_bytes = small * wide * element;
    model.per_byte = std::max(0.0, (wide_it->second - small_it->second) / (wide_bytes - small_bytes));
    model.per_row = std::max(
        0.0, (tall_it->second - small_it->second - (tall_bytes - small_bytes) * model.per_byte) / (tall - small));
    model.fixed = std::max(0.0, small_it->second - small * model.per_row - small_bytes * model.per_byte);
  }
  // FLOP/s by the rows of the product (the tokens of a prompt's piece).
  for (const auto& [dtype, rate] : measured.matmul_flops) {
    RateCurve& curve = figures.matmul_flops[dtype];
    curve.large = positive_or_unknown(rate);
    curve.large_size = static_cast<double>(DeviceMeasurements::large_matmul_rows);
    if (const auto it = measured.small_matmul_flops.find(dtype); it != measured.small_matmul_flops.end()) {
      curve.small = positive_or_unknown(it->second);
      curve.small_size = static_cast<double>(DeviceMeasurements::small_matmul_rows);
    }
  }
  figures.host_to_device = positive_or_unknown(measured.host_to_device.value_or(0));
  figures.device_to_host = positive_or_unknown(measured.device_to_host.value_or(0));
  if (measured.op_seconds && *measured.op_seconds >= 0) figures.op_seconds = measured.op_seconds;
  if (measured.round_trip_seconds && *measured.round_trip_seconds >= 0)
    figures.round_trip_seconds = measured.round_trip_seconds;
  for (const auto& [kind, seconds] : measured.op_kind_seconds)
    if (seconds >= 0 && std::isfinite(seconds)) figures.op_kind_seconds[kind] = seconds;
  for (const auto& [tokens, seconds] : measured.layer_seconds)
    if (tokens > 0 && usable(seconds)) figures.layer_seconds[tokens] = seconds;
  // The attention ops read their cache too: what is fixed is the rest (the model adds each op's
  // own cache bytes).
  const double bandwidth = figures.matvec_of(DType::f32).bandwidth;
  auto own_bytes = [](double keys) {
    return 2.0 * keys * static_cast<double>(DeviceMeasurements::attention_kv_width) * 4.0;
  };
  for (const auto& [kind, keys] : {std::pair<const char*, double>{"attention", DeviceMeasurements::attention_cache},
                                   {"attention_prompt", DeviceMeasurements::prompt_tokens}}) {
    const auto it = figures.op_kind_seconds.find(kind);
    if (it != figures.op_kind_seconds.end() && usable(bandwidth))
      it->second = std::max(0.0, it->second - own_bytes(keys) / bandwidth);
  }
  return figures;
}

const MatvecModel missing_matvec{};

double lookup(const std::map<DType, RateCurve>& curves, DType dtype, double size) {
  for (DType candidate : {dtype, DType::f32}) {
    const auto it = curves.find(candidate);
    if (it != curves.end() && usable(it->second.large)) return it->second.at(size);
  }
  return unknown_figure;
}

}  // namespace

double RateCurve::at(double size) const {
  const bool two_sizes = usable(small) && small_size > 0 && large_size > small_size;
  if (!two_sizes || size >= large_size) return large;
  if (size <= small_size) return small;
  const double position = std::log(size / small_size) / std::log(large_size / small_size);
  return small + position * (large - small);
}

const MatvecModel& DeviceFigures::matvec_of(DType dtype) const {
  for (DType candidate : {dtype, DType::f32}) {
    const auto it = matvec.find(candidate);
    if (it != matvec.end() && usable(it->second.bandwidth)) return it->second;
  }
  return missing_matvec;
}

double DeviceFigures::flops(DType dtype, double rows) const { return lookup(matmul_flops, dtype, rows); }

double DeviceFigures::working_set_scale(double bytes) const {
  if (f32_bandwidth_by_size.size() < 2) return 1.0;
  const double large = f32_bandwidth_by_size.rbegin()->second;
  auto above = f32_bandwidth_by_size.lower_bound(bytes);
  if (above == f32_bandwidth_by_size.begin()) return above->second / large;
  if (above == f32_bandwidth_by_size.end()) return 1.0;
  const auto below = std::prev(above);
  // Linear in the logarithm of the size, between the two sizes measured around it.
  const double position = std::log(bytes / below->first) / std::log(above->first / below->first);
  return (below->second + position * (above->second - below->second)) / large;
}

double DeviceFigures::op_cost(const std::string& kind) const {
  if (const auto it = op_kind_seconds.find(kind); it != op_kind_seconds.end()) return it->second;
  return op_seconds.value_or(0.0);
}

double DeviceFigures::attention_cost(double queries) const {
  const double one = op_cost("attention");
  const auto prompt = op_kind_seconds.find("attention_prompt");
  if (queries <= 1 || prompt == op_kind_seconds.end()) return one;
  constexpr auto measured_queries = static_cast<double>(DeviceMeasurements::prompt_tokens);
  return one + (queries - 1) / (measured_queries - 1) * std::max(0.0, prompt->second - one);
}

DeviceFigures figures_of(const DeviceInfo& info, std::vector<std::string>& notes) {
  if (info.caps.exact_speeds) {
    DeviceFigures figures = reported_figures(info);
    if (!figures.has_speed())
      notes.push_back(fmt::format("{} declares exact speeds but reports none: its times are unknown", info.name));
    return figures;
  }
  if (info.measured) return measured_figures(*info.measured);
  DeviceFigures figures = reported_figures(info);
  if (figures.has_speed())
    notes.push_back(
        fmt::format("{} is not measured: its speeds are as its plugin reports them (`strata calibrate` "
                    "measures it)",
                    info.name));
  else
    notes.push_back(
        fmt::format("{} is not measured and reports no speed: its times are unknown, and latency and "
                    "throughput do not use it (`strata calibrate` measures it)",
                    info.name));
  return figures;
}

}  // namespace strata::detail
