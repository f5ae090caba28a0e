#include "measurement_text.hpp"

#include <fmt/format.h>

#include <map>

namespace strata::cli {
namespace {

template <typename Format>
std::string per_dtype_text(const std::map<DType, double>& figures, Format format) {
  std::string text;
  for (const auto& [dtype, value] : figures)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", to_string(dtype), format(value));
  return text.empty() ? "not measured (the device runs none of f32, f16, bf16)" : text;
}

nlohmann::json per_dtype_json(const std::map<DType, double>& figures) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [dtype, value] : figures) object[std::string(to_string(dtype))] = value;
  return object;
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::string optional_text(const std::optional<double>& value, std::string (*format)(double)) {
  return value ? format(*value) : "not measured";
}

std::string reported(double value, std::string (*format)(double)) { return value > 0 ? format(value) : "not reported"; }

}  // namespace

std::string bandwidth_text(double bytes_per_second) { return fmt::format("{:.1f} GB/s", bytes_per_second / 1e9); }
std::string flops_text(double flops) { return fmt::format("{:.1f} GFLOP/s", flops / 1e9); }
std::string microseconds_text(double seconds) { return fmt::format("{:.1f} µs", seconds * 1e6); }

std::string sharing_text(const DeviceInfo& device) {
  std::string text(to_string(device.sharing));
  for (char& c : text)
    if (c == '_') c = ' ';
  return device.sharing_inferred ? text + " (inferred)" : text;
}

std::string reported_text(const DeviceInfo& device) {
  return fmt::format("compute {} (f32), memory {}, host link {}", reported(device.peak_flops, flops_text),
                     reported(device.memory_bandwidth, bandwidth_text),
                     reported(device.host_link_bandwidth, bandwidth_text));
}

void print_measurements(const DeviceMeasurements& m, std::string_view indent) {
  fmt::print("{}matvec      {} (rows of {})\n", indent, per_dtype_text(m.matvec_bandwidth, bandwidth_text),
             DeviceMeasurements::matvec_columns);
  fmt::print("{}            {} (rows of {})\n", indent, per_dtype_text(m.narrow_matvec_bandwidth, bandwidth_text),
             DeviceMeasurements::narrow_columns);
  fmt::print("{}matmul      {}\n", indent, per_dtype_text(m.matmul_flops, flops_text));
  fmt::print("{}copies      {} to the device, {} to the host\n", indent,
             optional_text(m.host_to_device, bandwidth_text), optional_text(m.device_to_host, bandwidth_text));
  fmt::print("{}op cost     {} per small op among many, {} for a round trip\n", indent,
             optional_text(m.op_seconds, microseconds_text), optional_text(m.round_trip_seconds, microseconds_text));
  std::string layer;
  for (const auto& [tokens, seconds] : m.layer_seconds)
    layer += fmt::format("{}{} tokens {}", layer.empty() ? "" : ", ", tokens, microseconds_text(seconds));
  fmt::print("{}layer       {} (a {}-wide reference layer, run whole)\n", indent,
             layer.empty() ? std::string("not measured") : layer, DeviceMeasurements::small_dim);
  const auto small = DeviceMeasurements::small_dim;
  fmt::print("{}small ops   matvec by {}x{}: {}\n", indent, small, small,
             per_dtype_text(m.small_matvec_seconds, microseconds_text));
  fmt::print("{}            matvec by {}x{}: {}\n", indent, DeviceMeasurements::tall_rows, small,
             per_dtype_text(m.tall_matvec_seconds, microseconds_text));
  fmt::print("{}            matvec by {}x{}: {}\n", indent, small, DeviceMeasurements::wide_columns,
             per_dtype_text(m.wide_matvec_seconds, microseconds_text));
  fmt::print("{}            matmul of {} rows: {}\n", indent, DeviceMeasurements::small_matmul_rows,
             per_dtype_text(m.small_matmul_flops, flops_text));
  std::string kinds;
  for (const auto& [kind, seconds] : m.op_kind_seconds)
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, microseconds_text(seconds));
  fmt::print("{}            {}\n", indent, kinds.empty() ? std::string("no op kinds measured") : kinds);
}

nlohmann::json reported_json(const DeviceInfo& device) {
  return {{"peak_flops", device.peak_flops},
          {"memory_bandwidth", device.memory_bandwidth},
          {"host_link_bandwidth", device.host_link_bandwidth},
          {"exact", device.caps.exact_speeds}};
}

nlohmann::json measurements_json(const DeviceMeasurements& m) {
  return {{"matvec_bandwidth", per_dtype_json(m.matvec_bandwidth)},
          {"narrow_matvec_bandwidth", per_dtype_json(m.narrow_matvec_bandwidth)},
          {"matmul_flops", per_dtype_json(m.matmul_flops)},
          {"host_to_device", optional_json(m.host_to_device)},
          {"device_to_host", optional_json(m.device_to_host)},
          {"op_seconds", optional_json(m.op_seconds)},
          {"round_trip_seconds", optional_json(m.round_trip_seconds)},
          {"layer_seconds", m.layer_seconds},
          {"small_matvec_seconds", per_dtype_json(m.small_matvec_seconds)},
          {"tall_matvec_seconds", per_dtype_json(m.tall_matvec_seconds)},
          {"wide_matvec_seconds", per_dtype_json(m.wide_matvec_seconds)},
          {"small_matmul_flops", per_dtype_json(m.small_matmul_flops)},
          {"op_kind_seconds", m.op_kind_seconds},
          {"matvec_weight_bytes", m.matvec_weight_bytes},
          {"matmul_op_flops", m.matmul_op_flops},
          {"measured_at", m.measured_at},
          {"seconds_taken", m.seconds_taken}};
}

}  // namespace strata::cli
