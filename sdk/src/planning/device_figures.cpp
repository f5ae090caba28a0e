#include "planning/device_figures.hpp"

#include <fmt/format.h>

#include <cmath>

namespace strata::detail {
namespace {

double lookup(const std::map<DType, double>& figures, DType dtype) {
  for (DType candidate : {dtype, DType::f32}) {
    const auto it = figures.find(candidate);
    if (it != figures.end() && it->second > 0 && std::isfinite(it->second)) return it->second;
  }
  return unknown_figure;
}

double positive_or_unknown(double value) { return value > 0 && std::isfinite(value) ? value : unknown_figure; }

DeviceFigures reported_figures(const DeviceInfo& info) {
  DeviceFigures figures;
  const double bandwidth = positive_or_unknown(info.memory_bandwidth);
  const double flops = positive_or_unknown(info.peak_flops);
  for (DType dtype : {DType::f32, DType::f16, DType::bf16}) {
    if (!std::isnan(bandwidth)) figures.matvec_bandwidth[dtype] = bandwidth;
    if (!std::isnan(flops)) figures.matmul_flops[dtype] = flops;
  }
  // A CPU's "link" to the host is a copy within host memory.
  double link = positive_or_unknown(info.host_link_bandwidth);
  if (std::isnan(link) && info.kind == DeviceKind::cpu) link = bandwidth;
  figures.host_to_device = figures.device_to_host = link;
  return figures;
}

DeviceFigures measured_figures(const DeviceMeasurements& measured) {
  DeviceFigures figures;
  figures.matvec_bandwidth = measured.matvec_bandwidth;
  figures.matmul_flops = measured.matmul_flops;
  figures.host_to_device = positive_or_unknown(measured.host_to_device.value_or(0));
  figures.device_to_host = positive_or_unknown(measured.device_to_host.value_or(0));
  if (measured.op_seconds && *measured.op_seconds >= 0) figures.op_seconds = measured.op_seconds;
  if (measured.round_trip_seconds && *measured.round_trip_seconds >= 0)
    figures.round_trip_seconds = measured.round_trip_seconds;
  return figures;
}

}  // namespace

double DeviceFigures::bandwidth(DType dtype) const { return lookup(matvec_bandwidth, dtype); }
double DeviceFigures::flops(DType dtype) const { return lookup(matmul_flops, dtype); }

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
