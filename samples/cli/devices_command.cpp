// `strata devices`: every device found and every plugin skipped (one line each, with why), and with
// --verbose each device's speeds (reported and measured), its plugin and driver. Measures nothing: the measured figures
// are those of the calibration cache (`strata calibrate` takes them).
#include "commands.hpp"
#include "measurement_text.hpp"

#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace strata::cli {
namespace {

struct DevicesOptions {
  bool verbose = false;
  bool json = false;
};

std::string memory_text(const std::optional<std::uint64_t>& bytes) { return bytes ? format_size(*bytes) : "unknown"; }

std::string caps_text(const DeviceCaps& caps) {
  std::string text;
  auto add = [&](bool on, const char* name) {
    if (on) text += (text.empty() ? "" : ",") + std::string(name);
  };
  add(caps.async, "async");
  add(caps.events, "events");
  add(caps.host_visible, "host-visible");
  add(caps.unified_memory, "unified");
  add(caps.import_host, "import-host");
  add(caps.exact_speeds, "exact-speeds");
  return text.empty() ? "-" : text;
}

std::string dtypes_text(const DeviceInfo& info) {
  std::string text;
  for (DType dtype : info.dtypes) text += (text.empty() ? "" : ",") + std::string(to_string(dtype));
  return text;
}

nlohmann::json optional_bytes(const std::optional<std::uint64_t>& bytes) {
  return bytes ? nlohmann::json(*bytes) : nlohmann::json(nullptr);
}

// The cached measurements, marked with where they came from, or null.
nlohmann::json measured_json(const DeviceInfo& info) {
  if (!info.measured) return nullptr;
  nlohmann::json measured = measurements_json(*info.measured);
  measured["source"] = "cache";
  return measured;
}

void print_speeds(const DeviceInfo& info) {
  constexpr const char* indent = "           ";
  fmt::print("{}plugin version {}; driver {}; sharing {}\n", indent,
             info.plugin_version.empty() ? "not reported" : info.plugin_version,
             info.driver.empty() ? "not reported" : info.driver, sharing_text(info));
  fmt::print("{}reported: {}{}\n", indent, reported_text(info),
             info.caps.exact_speeds ? " (exact: used as they are, never measured)" : "");
  if (info.measured) {
    fmt::print("{}measured {}, cached:\n", indent, info.measured->measured_at);
    print_measurements(*info.measured, std::string(indent) + "  ");
  } else if (!info.caps.exact_speeds) {
    fmt::print("{}not measured (run strata calibrate)\n", indent);
  }
}

nlohmann::json to_json(const Runtime& runtime) {
  nlohmann::json devices = nlohmann::json::array();
  for (const Device& device : runtime.devices()) {
    const DeviceInfo& info = device.info();
    nlohmann::json dtypes = nlohmann::json::array();
    for (DType dtype : info.dtypes) dtypes.push_back(to_string(dtype));
    devices.push_back({{"name", info.name},
                       {"backend", info.backend},
                       {"description", info.description},
                       {"kind", to_string(info.kind)},
                       {"stable_id", info.stable_id},
                       {"physical_id", info.physical_id()},
                       {"memory_total", optional_bytes(info.memory_total)},
                       {"memory_free", optional_bytes(info.memory_free)},
                       {"dtypes", dtypes},
                       {"caps",
                        {{"async", info.caps.async},
                         {"events", info.caps.events},
                         {"host_visible", info.caps.host_visible},
                         {"unified_memory", info.caps.unified_memory},
                         {"import_host", info.caps.import_host},
                         {"exact_speeds", info.caps.exact_speeds}}},
                       {"plugin_version", info.plugin_version},
                       {"driver", info.driver},
                       {"sharing", to_string(info.sharing)},
                       {"sharing_inferred", info.sharing_inferred},
                       {"peak_flops", info.peak_flops},
                       {"memory_bandwidth", info.memory_bandwidth},
                       {"host_link_bandwidth", info.host_link_bandwidth},
                       {"reported", reported_json(info)},
                       {"measured", measured_json(info)}});
  }
  nlohmann::json plugins = nlohmann::json::array();
  for (const PluginReport& report : runtime.plugins()) {
    plugins.push_back({{"path", report.path.string()},
                       {"name", report.name},
                       {"version", report.version},
                       {"abi", fmt::format("{}.{}", report.abi_version >> 16, report.abi_version & 0xffff)},
                       {"loaded", report.loaded},
                       {"reason", report.reason},
                       {"devices", report.device_count}});
  }
  return {{"devices", devices}, {"plugins", plugins}};
}

void print_table(const Runtime& runtime, bool verbose) {
  if (runtime.devices().empty()) fmt::print("no devices found\n");
  for (const Device& device : runtime.devices()) {
    const DeviceInfo& info = device.info();
    fmt::print("{:<10} {:<5} {} (from the {} plugin)\n", info.name, to_string(info.kind), info.description,
               info.backend);
    fmt::print("           memory {} total, {} free; dtypes {}; caps {}\n", memory_text(info.memory_total),
               memory_text(info.memory_free), dtypes_text(info), caps_text(info.caps));
    if (verbose) {
      const std::string physical = info.physical_id();
      fmt::print("           stable id {}; physical {}\n", info.stable_id, physical.empty() ? "unknown" : physical);
      print_speeds(info);
    }
  }
  for (const PluginReport& report : runtime.plugins()) {
    if (report.loaded) {
      if (verbose)
        fmt::print("plugin {} {} (ABI {}.{}): {} device(s) from {}\n", report.name, report.version,
                   report.abi_version >> 16, report.abi_version & 0xffff, report.device_count, report.path.string());
    } else {
      fmt::print("skipped {}: {}\n", report.path.string(), report.reason);
    }
  }
}

}  // namespace

void add_devices_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<DevicesOptions>();
  auto* command = app.add_subcommand("devices", "List the devices of every backend plugin found");
  command->add_flag("-v,--verbose", options->verbose,
                    "Also show ids, speeds (reported and measured), drivers and the plugins loaded");
  command->add_flag("--json", options->json, "Print the devices and plugins as JSON");
  command->callback([options, &global] {
    const Runtime runtime(runtime_options(global));
    if (options->json)
      fmt::print("{}\n", to_json(runtime).dump(2));
    else
      print_table(runtime, options->verbose);
  });
}

}  // namespace strata::cli
