#include "device_spec.hpp"

#include <strata_plugin/host.hpp>
#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/environment.hpp>
#include <strata_safe_io/printable.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

namespace strata_sim {
namespace {

// A devices file holds a few entries; 1 MiB is thousands of them.
constexpr std::uint64_t devices_file_max_bytes = std::uint64_t{1} << 20;

[[noreturn]] void bad(const std::string& message) {
  throw strata_plugin::Error(STRATA_STATUS_INVALID_ARGUMENT, "sim: " + message);
}

// A value of the file for a message: strings quoted and escaped, anything else as JSON.
std::string shown(const nlohmann::json& value) {
  if (value.is_string()) return "\"" + strata::safe_io::printable(value.get_ref<const std::string&>()) + "\"";
  return strata::safe_io::printable(value.dump());
}

double number(const nlohmann::json& entry, const char* key, std::size_t index, double fallback, bool required) {
  if (!entry.contains(key)) {
    if (required) bad(fmt::format("device entry {} needs \"{}\"", index, key));
    return fallback;
  }
  const nlohmann::json& value = entry[key];
  if (!value.is_number())
    bad(fmt::format("device entry {}: \"{}\" must be a number, not {}", index, key, shown(value)));
  const double result = value.get<double>();
  if (!std::isfinite(result) || result < 0 || result > 1e12)
    bad(fmt::format("device entry {}: \"{}\" = {} is out of range", index, key, result));
  return result;
}

strata_device_kind kind_of(const nlohmann::json& entry, std::size_t index) {
  if (!entry.contains("kind")) return STRATA_DEVICE_GPU;
  const nlohmann::json& value = entry["kind"];
  const std::string text = value.is_string() ? value.get<std::string>() : std::string();
  if (text == "gpu") return STRATA_DEVICE_GPU;
  if (text == "igpu") return STRATA_DEVICE_IGPU;
  if (text == "accel") return STRATA_DEVICE_ACCEL;
  if (text == "cpu") return STRATA_DEVICE_CPU;
  bad(fmt::format("device entry {}: \"kind\" must be \"gpu\", \"igpu\", \"accel\" or \"cpu\", not {}", index,
                  shown(value)));
}

strata_device_sharing sharing_of(const nlohmann::json& entry, std::size_t index, strata_device_kind kind) {
  const bool cpu = kind == STRATA_DEVICE_CPU;
  if (!entry.contains("shares")) return cpu ? STRATA_SHARING_HOST_CORES : STRATA_SHARING_NONE;
  const nlohmann::json& value = entry["shares"];
  const std::string text = value.is_string() ? value.get<std::string>() : std::string();
  if (text == "none" && cpu)
    bad(
        fmt::format("device entry {}: a \"cpu\" device computes on the host's cores, so \"shares\" cannot be "
                    "\"none\" (say \"host_cores\", or leave it out)",
                    index));
  if (text == "none") return STRATA_SHARING_NONE;
  if (text == "host_memory") return STRATA_SHARING_HOST_MEMORY;
  if (text == "host_cores") return STRATA_SHARING_HOST_CORES;
  bad(fmt::format("device entry {}: \"shares\" must be \"none\", \"host_memory\" or \"host_cores\", not {}", index,
                  shown(value)));
}

// All three speed figures, or none: exact speeds with a figure missing would plan with a 0.
void read_speeds(const nlohmann::json& entry, std::size_t index, DeviceSpec& spec) {
  spec.peak_flops = number(entry, "tflops", index, 0, false) * 1e12;
  spec.memory_bandwidth = number(entry, "memory_gbps", index, 0, false) * 1e9;
  spec.host_link_bandwidth = number(entry, "link_gbps", index, 0, false) * 1e9;
  std::vector<std::string> given, missing;
  for (const auto& [key, value] :
       {std::pair{"tflops", spec.peak_flops}, std::pair{"memory_gbps", spec.memory_bandwidth},
        std::pair{"link_gbps", spec.host_link_bandwidth}})
    (value > 0 ? given : missing).emplace_back(key);
  if (!given.empty() && !missing.empty())
    bad(
        fmt::format("device entry {} gives {} but not {}: give all three of tflops, memory_gbps and link_gbps "
                    "(above 0; the SDK plans with them as given), or none (the device is then measured)",
                    index, fmt::join(given, ", "), fmt::join(missing, ", ")));
  spec.exact_speeds = missing.empty();
}

}  // namespace

std::vector<DeviceSpec> parse_devices(std::string_view json) {
  std::string why;
  const std::optional<nlohmann::json> parsed = strata::safe_io::parse_bounded_json(json, why);
  if (!parsed) bad(fmt::format("the devices JSON does not parse: {}", why));
  const nlohmann::json& document = *parsed;
  if (!document.is_object() || !document.contains("devices") || !document["devices"].is_array())
    bad("the devices JSON must be an object with a \"devices\" array");
  static const std::set<std::string> known{"name",      "kind",  "memory_gib", "tflops", "memory_gbps",
                                           "link_gbps", "count", "pci_bus_id", "shares"};
  std::vector<DeviceSpec> devices;
  std::size_t index = 0;
  for (const nlohmann::json& entry : document["devices"]) {
    if (!entry.is_object()) bad(fmt::format("device entry {} must be an object", index));
    for (const auto& [key, value] : entry.items())
      if (!known.contains(key))
        bad(
            fmt::format("device entry {}: unknown field \"{}\" (known: name, kind, memory_gib, tflops, memory_gbps, "
                        "link_gbps, count, pci_bus_id, shares)",
                        index, strata::safe_io::printable(key)));
    DeviceSpec spec;
    if (!entry.contains("name") || !entry["name"].is_string() || entry["name"].get<std::string>().empty())
      bad(fmt::format("device entry {} needs a \"name\" string", index));
    // Shown in device lists and messages: plain text only.
    if (!strata::safe_io::is_printable(entry["name"].get_ref<const std::string&>()))
      bad(fmt::format("device entry {}: \"name\" {} holds control characters", index, shown(entry["name"])));
    spec.description = entry["name"].get<std::string>().substr(0, 127);
    spec.kind = kind_of(entry, index);
    const double gib = number(entry, "memory_gib", index, 0, true);
    if (gib > 1e6) bad(fmt::format("device entry {}: memory_gib {} is out of range", index, gib));
    spec.memory = static_cast<std::uint64_t>(std::llround(gib * 1073741824.0));
    if (spec.memory == 0)
      bad(fmt::format("device entry {}: memory_gib {} holds no memory; give more than 0", index, gib));
    read_speeds(entry, index, spec);
    spec.sharing = sharing_of(entry, index, spec.kind);
    if (entry.contains("pci_bus_id")) {
      if (!entry["pci_bus_id"].is_string()) bad(fmt::format("device entry {}: \"pci_bus_id\" must be a string", index));
      if (!strata::safe_io::is_printable(entry["pci_bus_id"].get_ref<const std::string&>()))
        bad(fmt::format("device entry {}: \"pci_bus_id\" {} holds control characters", index,
                        shown(entry["pci_bus_id"])));
      spec.pci_bus_id = entry["pci_bus_id"].get<std::string>().substr(0, 31);
    }
    const double count = number(entry, "count", index, 1, false);
    if (count < 1 || count > 64 || count != std::floor(count))
      bad(fmt::format("device entry {}: \"count\" must be a whole number from 1 to 64", index));
    for (int copy = 0; copy < static_cast<int>(count); ++copy) devices.push_back(spec);
    if (devices.size() > 256) bad("at most 256 simulated devices");
    ++index;
  }
  return devices;
}

std::vector<DeviceSpec> devices_from_environment() {
  const std::optional<std::string> value = strata::safe_io::environment_variable(environment_variable);
  if (!value) return {};
  const std::string& text = *value;
  if (text.find_first_not_of(" \t\n") != std::string::npos && text[text.find_first_not_of(" \t\n")] == '{')
    return parse_devices(text);
  std::string why;
  const std::optional<std::string> contents = strata::safe_io::read_regular_file(text, devices_file_max_bytes, why);
  if (!contents)
    throw strata_plugin::Error(
        STRATA_STATUS_UNAVAILABLE,
        fmt::format("sim: cannot read {} = {}: it {}", environment_variable, strata::safe_io::printable(text), why));
  return parse_devices(*contents);
}

}  // namespace strata_sim
