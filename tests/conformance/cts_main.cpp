// strata-cts: the backend conformance suite. Loads the backend under test by name or by path,
// runs every op case and device check on each of its devices, prints a table per op and dtype,
// and exits 0 (pass), 1 (fail), 2 (usage error) or 3 (no device of that backend here).
#include "case_catalogue.hpp"
#include "child_process.hpp"
#include "device_checks.hpp"
#include "op_checks.hpp"
#include "options.hpp"
#include "results.hpp"

#include <strata/error.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <system_error>

namespace strata_cts {
namespace {

int list_tests(const Options& options) {
  for (const OpCase& c : op_cases(options.set))
    if (options.selected(c.name)) fmt::print("{}\n", c.name);
  for (const std::string& name : device_check_names())
    if (options.selected(name)) fmt::print("{}\n", name);
  return exit_pass;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code error;
  const bool same = std::filesystem::equivalent(a, b, error);
  return !error && same;
}

std::string device_names(const strata::Runtime& runtime) {
  std::string names;
  for (const strata::Device& d : runtime.devices()) names += (names.empty() ? "" : ", ") + d.name();
  return names.empty() ? "none" : names;
}

// Why a backend has no device: the loader's report on its plugin, when there is one.
void explain_missing(const strata::Runtime& runtime, const std::string& backend) {
  for (const strata::PluginReport& report : runtime.plugins())
    if (report.name == backend && !report.reason.empty())
      fmt::print(stderr, "strata-cts: the {} plugin ({}) was skipped: {}\n", backend, report.path.string(),
                 report.reason);
}

struct Selection {
  std::vector<strata::Device> devices;
  std::string backend;  // for messages
};

// The devices under test, or an exit code when there are none.
std::variant<Selection, int> select_devices(const strata::Runtime& runtime, const Options& options) {
  Selection s;
  if (!options.device.empty()) {
    s.backend = options.device.substr(0, options.device.find(':'));
    if (auto device = runtime.find_device(options.device)) {
      s.devices.push_back(*device);
      return s;
    }
    fmt::print(stderr, "strata-cts: no device \"{}\" here (devices: {})\n", options.device, device_names(runtime));
    explain_missing(runtime, s.backend);
    return exit_no_device;
  }
  s.backend = options.backend;
  if (!options.plugin.empty()) {
    const auto report = std::find_if(runtime.plugins().begin(), runtime.plugins().end(),
                                     [&](const strata::PluginReport& r) { return same_file(r.path, options.plugin); });
    if (report == runtime.plugins().end()) {
      fmt::print(stderr, "strata-cts: the runtime did not try to load {}\n", options.plugin.string());
      return exit_fail;
    }
    if (!report->loaded) {
      fmt::print(stderr, "strata-cts: {} could not be used: {}\n", options.plugin.string(), report->reason);
      return report->found_no_device ? exit_no_device : exit_fail;
    }
    s.backend = report->name;
    fmt::print("plugin {}: backend \"{}\" version {}, ABI {}.{}\n", options.plugin.string(), report->name,
               report->version, report->abi_version >> 16, report->abi_version & 0xffffu);
  }
  for (const strata::Device& d : runtime.devices())
    if (d.info().backend == s.backend) s.devices.push_back(d);
  if (s.devices.empty()) {
    fmt::print(stderr, "strata-cts: backend \"{}\" has no device here (devices: {})\n", s.backend,
               device_names(runtime));
    explain_missing(runtime, s.backend);
    return exit_no_device;
  }
  return s;
}

// What results of `device` are compared with; nullopt means the suite's host reference.
std::optional<strata::Device> pick_reference(const strata::Runtime& runtime, const strata::Device& device,
                                             const Options& options) {
  if (options.reference == ReferenceChoice::host) return std::nullopt;
  const std::optional<strata::Device> cpu = runtime.find_device("cpu");
  const bool cpu_under_test = cpu && *cpu == device;
  if (options.reference == ReferenceChoice::cpu && (!cpu || cpu_under_test))
    fmt::print(stderr, "strata-cts: {}; comparing with the host reference instead\n",
               cpu ? "the cpu device is the one under test" : "there is no cpu device");
  if (!cpu || cpu_under_test) return std::nullopt;
  return cpu;
}

// The ABI the device's plugin was built for, from the loader's report on it.
std::uint32_t plugin_abi(const strata::Runtime& runtime, const strata::Device& device) {
  for (const strata::PluginReport& report : runtime.plugins())
    if (report.loaded && report.name == device.info().backend) return report.abi_version;
  return 0;
}

void print_device(const strata::DeviceInfo& info) {
  std::string dtypes;
  for (const strata::DType d : info.dtypes) dtypes += (dtypes.empty() ? "" : " ") + std::string(strata::to_string(d));
  fmt::print("device {}: {} ({}), dtypes: {}, memory: {}{}{}{}, driver: {}, shares: {}{}\n", info.name,
             info.description, strata::to_string(info.kind), dtypes,
             info.memory_total ? strata::format_size(*info.memory_total) : std::string("unknown"),
             info.caps.async ? ", async" : "", info.caps.events ? ", events" : "",
             info.caps.host_visible ? ", host-visible" : "", info.driver.empty() ? "not said" : info.driver,
             strata::to_string(info.sharing), info.sharing_inferred ? " (inferred)" : "");
}

int run(const Options& options) {
  if (options.list) return list_tests(options);
  strata::RuntimeOptions runtime_options;
  if (options.isolated) {
    runtime_options.load_installed_plugins = false;
    runtime_options.load_environment_plugins = false;
  }
  if (!options.plugin.empty()) runtime_options.plugin_files.push_back(options.plugin);
  const strata::Runtime runtime(runtime_options);

  const auto selection = select_devices(runtime, options);
  if (const int* code = std::get_if<int>(&selection)) return *code;
  const std::vector<OpCase> cases = op_cases(options.set);

  std::vector<DeviceReport> reports;
  for (const strata::Device& device : std::get<Selection>(selection).devices) {
    DeviceReport report{device.info()};
    print_device(report.info);
    const TestContext context{device, pick_reference(runtime, device, options), options, plugin_abi(runtime, device)};
    report.reference = context.reference ? context.reference->name() + " device (host code where it refuses)"
                                         : std::string("the suite's host reference");
    run_op_cases(context, cases, report.results);
    run_device_checks(context, report.results);
    print_report(report);
    reports.push_back(std::move(report));
  }
  if (!options.json.empty())
    write_json(options.json, {options.set == CaseSet::full ? "full" : "quick", options.seed, options.filters}, reports);
  const bool passed = std::all_of(reports.begin(), reports.end(), [](const DeviceReport& r) { return r.passed(); });
  return passed ? exit_pass : exit_fail;
}

}  // namespace
}  // namespace strata_cts

namespace strata_cts {
namespace {

int run_reporting_errors(const Options& options) {
  try {
    return run(options);
  } catch (const strata::Error& error) {
    fmt::print(stderr, "strata-cts: error ({}): {}\n", strata::to_string(error.code()), error.what());
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata-cts: error: {}\n", error.what());
  }
  return exit_fail;
}

}  // namespace
}  // namespace strata_cts

int main(int argc, char** argv) {
  const auto parsed = strata_cts::parse_options(argc, argv);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  const strata_cts::Options& options = std::get<strata_cts::Options>(parsed);
  if (!options.child_process) return strata_cts::run_reporting_errors(options);
  return strata_cts::run_in_child_process([&] { return strata_cts::run_reporting_errors(options); },
                                          options.time_limit_seconds);
}
