// `strata calibrate`: measures the devices now (those the cache has nothing for, or all with
// --force), caches the figures and shows them with where each came from.
//
//   strata calibrate --device opencl:0 --force
#include "commands.hpp"
#include "measurement_text.hpp"

#include <strata/calibration.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace strata::cli {
namespace {

struct CalibrateOptions {
  std::vector<std::string> devices;
  bool force = false;
  bool json = false;
  double seconds_per_step = CalibrationOptions{}.seconds_per_step;
};

// Where a device's figures came from after calibrating.
std::string source_of(const DeviceInfo& info, const std::set<std::string>& measured_now) {
  if (info.caps.exact_speeds) return "reported";
  if (measured_now.contains(info.name)) return "measured";
  return info.measured ? "cache" : "none";
}

std::string source_text(const DeviceInfo& info, const std::string& source) {
  if (source == "reported") return "exact speeds reported by its plugin, not measured";
  if (source == "measured")
    return fmt::format("measured now in {:.1f} s ({})", info.measured->seconds_taken, info.measured->measured_at);
  if (source == "cache") return fmt::format("cached, measured {} (--force measures again)", info.measured->measured_at);
  return "not measured";
}

std::vector<Device> chosen_devices(const Runtime& runtime, const std::vector<std::string>& names) {
  if (names.empty()) return runtime.devices();
  std::vector<Device> chosen;
  for (const std::string& name : names) chosen.push_back(runtime.device(name));
  return chosen;
}

void print_table(const std::vector<Device>& devices, const std::set<std::string>& measured_now) {
  for (const Device& device : devices) {
    const DeviceInfo& info = device.info();
    const std::string source = source_of(info, measured_now);
    fmt::print("{:<10} {}: {}\n", info.name, info.description, source_text(info, source));
    if (source == "reported")
      fmt::print("           {}\n", reported_text(info));
    else if (info.measured)
      print_measurements(*info.measured, "           ");
  }
}

nlohmann::json to_json(const std::vector<Device>& devices, const std::set<std::string>& measured_now) {
  nlohmann::json list = nlohmann::json::array();
  for (const Device& device : devices) {
    const DeviceInfo& info = device.info();
    list.push_back({{"name", info.name},
                    {"description", info.description},
                    {"source", source_of(info, measured_now)},
                    {"reported", reported_json(info)},
                    {"measured", info.measured ? measurements_json(*info.measured) : nlohmann::json(nullptr)}});
  }
  return {{"devices", list}};
}

}  // namespace

void add_calibrate_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<CalibrateOptions>();
  auto* command = app.add_subcommand("calibrate", "Measure the devices' speeds now and cache the figures");
  command->add_option("--device", options->devices, "Measure only this device (repeatable; default: all)");
  command->add_flag("--force", options->force, "Measure even the devices the cache has figures for");
  command->add_flag("--json", options->json, "Print the figures as JSON");
  command
      ->add_option("--seconds-per-step", options->seconds_per_step,
                   "Time each measurement may take at most (less: quicker, rougher figures)")
      ->check(CLI::PositiveNumber);
  command->callback([options, &global] {
    Runtime runtime(runtime_options(global));
    const std::vector<Device> devices = chosen_devices(runtime, options->devices);
    std::set<std::string> measured_now;
    CalibrationOptions calibration;
    calibration.force = options->force;
    calibration.seconds_per_step = options->seconds_per_step;
    calibration.on_progress = [&measured_now, &global](const CalibrationProgress& progress) {
      measured_now.emplace(progress.device);
      if (!global.quiet)
        fmt::print(stderr, "calibrating {}: {} ({}/{})\n", progress.device, progress.step, progress.step_index + 1,
                   progress.step_count);
    };
    runtime.calibrate(calibration, options->devices);
    if (options->json)
      fmt::print("{}\n", to_json(devices, measured_now).dump(2));
    else
      print_table(devices, measured_now);
  });
}

}  // namespace strata::cli
