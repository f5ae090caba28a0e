// How `strata devices` and `strata calibrate` show a device's speeds: the figures its plugin
// reports and the ones Strata measured, in human units or as JSON.
#pragma once

#include <strata/device.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace strata::cli {

std::string bandwidth_text(double bytes_per_second);  // "12.3 GB/s"
std::string flops_text(double flops);                 // "45.6 GFLOP/s"
std::string microseconds_text(double seconds);        // "12.3 µs"

// "host cores (inferred)", "none", ...
std::string sharing_text(const DeviceInfo& device);

// "compute 12.0 GFLOP/s (f32), memory 20.0 GB/s, host link not reported": what the plugin
// says (0: not said).
std::string reported_text(const DeviceInfo& device);

// The measured figures, one kind per line, each line starting with `indent`.
void print_measurements(const DeviceMeasurements& measurements, std::string_view indent);

nlohmann::json reported_json(const DeviceInfo& device);
nlohmann::json measurements_json(const DeviceMeasurements& measurements);

}  // namespace strata::cli
