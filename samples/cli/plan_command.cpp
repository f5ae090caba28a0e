// `strata plan`: where each unit of a model would run, from config.json alone or a checkpoint,
// on the devices found or on simulated ones, with predicted time per token.
//
//   strata plan --config llama-3-70b/config.json --devices 4x24.json --strategy latency --svg plan.svg
#include "commands.hpp"
#include "exit_status.hpp"
#include "input_files.hpp"
#include "measure_devices.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/model.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace strata::cli {
namespace {

struct PlanCommandOptions {
  std::string model;    // checkpoint folder
  std::string config;   // config.json (or a folder holding one)
  std::string devices;  // "" = all found; FILE.json = simulated devices; else "opencl:0,cpu"
  std::string strategy = "auto";
  std::string device_map;  // FILE.json: check and report an explicit map instead
  std::string max_memory;
  std::string host_memory;  // what-if: the CPU's memory
  std::vector<std::string> planner_plugins;
  std::vector<std::string> planner_options;  // key=value
  std::int64_t batch = 1;
  std::int64_t micro_batches = 1;
  std::int64_t context = 0;
  std::string kv_dtype;  // "": the model's
  bool no_disk = false;
  bool list = false;
  bool json = false;
  std::string svg;
  std::string save;  // write the device map here (for `strata run --device-map FILE.json`)
};

// What cannot be planned as asked (a file that cannot be read, a device that is not here): exit 1.
[[noreturn]] void plan_error(const std::string& message) { throw Error(StatusCode::invalid_argument, message); }
// A command line whose options do not go together or have the wrong form: exit 2.
[[noreturn]] void usage_error(const std::string& message) { throw UsageError(message); }

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream stream(path);
  if (!stream || !(stream << text)) plan_error(fmt::format("cannot write {}", path.string()));
}

ModelGraph load_graph(const PlanCommandOptions& options, std::string& title) {
  if (options.model.empty() == options.config.empty()) usage_error("give --model DIR or --config config.json");
  if (!options.model.empty()) {
    title = std::filesystem::path(options.model).filename().string();
    return Checkpoint::open(options.model).graph();  // the dtypes as stored
  }
  std::filesystem::path path = options.config;
  title = (path.filename() == "config.json" ? path.parent_path().filename() : path.filename()).string();
  return build_model_graph(read_model_config(path));
}

bool simulated(const PlanCommandOptions& options) { return options.devices.ends_with(".json"); }

// A simulated-devices file: its links, and its "host" object (what-if figures for the CPU). The
// sim plugin reads the devices from it when the Runtime starts.
nlohmann::json read_simulated_devices(const PlanCommandOptions& options, std::vector<Link>& links) {
  const std::filesystem::path file = std::filesystem::absolute(options.devices);
  const std::string text = read_input_file(file);
  links = parse_links_json(text);
  nlohmann::json host;
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_object() && document.contains("host")) host = document["host"];
  if (!host.is_null() && !host.is_object()) plan_error("\"host\" must be an object: {\"memory_gib\": 64, ...}");
  ::setenv("STRATA_SIM_DEVICES", file.c_str(), 1);
  return host;
}

// The devices to plan on.
std::vector<DeviceInfo> planning_devices(const PlanCommandOptions& options, const Runtime& runtime,
                                         const nlohmann::json& host) {
  const bool simulated = ::strata::cli::simulated(options);
  std::vector<DeviceInfo> devices;
  for (const Device& device : runtime.devices()) {
    const DeviceInfo& info = device.info();
    // With simulated devices, plan on them and the host's CPU tier, not on this machine's GPUs
    // nor its other views of the host's cores (PoCL, lavapipe).
    if (simulated && info.backend != "sim" && info.name != "cpu") continue;
    devices.push_back(info);
  }
  if (simulated &&
      std::none_of(devices.begin(), devices.end(), [](const DeviceInfo& d) { return d.backend == "sim"; })) {
    std::string why = "the sim plugin was not found";
    for (const PluginReport& plugin : runtime.plugins())
      if (plugin.name == "sim" || plugin.path.filename().string().find("sim") != std::string::npos) why = plugin.reason;
    plan_error(fmt::format("no simulated devices from {}: {}", options.devices, why));
  }
  if (!simulated && !options.devices.empty()) {
    std::vector<DeviceInfo> chosen;
    std::stringstream list(options.devices);
    for (std::string name; std::getline(list, name, ',');) {
      const auto found =
          std::find_if(devices.begin(), devices.end(), [&](const DeviceInfo& d) { return d.name == name; });
      if (found == devices.end()) {
        std::vector<std::string> names;
        for (const DeviceInfo& d : devices) names.push_back(d.name);
        plan_error(fmt::format("--devices: no device '{}'; the devices are {}", name, fmt::join(names, ", ")));
      }
      chosen.push_back(*found);
    }
    devices = std::move(chosen);
  }
  auto host_number = [&](const char* key, double scale) -> std::optional<double> {
    if (host.is_null() || !host.contains(key)) return std::nullopt;
    if (!host[key].is_number() || host[key].get<double>() <= 0)
      plan_error(fmt::format("\"host\": \"{}\" must be a number > 0", key));
    return host[key].get<double>() * scale;
  };
  for (DeviceInfo& info : devices) {
    if (info.kind != DeviceKind::cpu) continue;
    if (const auto memory = host_number("memory_gib", 1073741824.0))
      info.memory_total = info.memory_free = static_cast<std::uint64_t>(*memory);
    const auto flops = host_number("tflops", 1e12);
    const auto bandwidth = host_number("memory_gbps", 1e9);
    if (flops) info.peak_flops = *flops;
    if (bandwidth) info.memory_bandwidth = info.host_link_bandwidth = *bandwidth;
    // The described host is planned as described, not as this machine's CPU measured.
    if (flops || bandwidth) {
      info.measured.reset();
      info.caps.exact_speeds = true;
    }
  }
  if (!options.host_memory.empty()) {
    const std::uint64_t bytes = parse_size(options.host_memory);
    for (DeviceInfo& info : devices)
      if (info.kind == DeviceKind::cpu) info.memory_total = info.memory_free = bytes;
  }
  return devices;
}

std::string planner_options_json(const std::vector<std::string>& pairs) {
  nlohmann::json object = nlohmann::json::object();
  for (const std::string& pair : pairs) {
    const std::size_t equals = pair.find('=');
    if (equals == std::string::npos || equals == 0)
      usage_error(fmt::format("--planner-option '{}' is not KEY=VALUE", pair));
    const std::string value = pair.substr(equals + 1);
    // Numbers and true/false as JSON; anything else as a string.
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
    object[pair.substr(0, equals)] =
        parsed.is_discarded() || parsed.is_object() || parsed.is_array() ? nlohmann::json(value) : parsed;
  }
  return object.dump();
}

void list_planners() {
  fmt::print("{:<16} {:<10} {}\n", "strategy", "from", "description");
  fmt::print("{:<16} {:<10} {}\n", "auto", "built-in", "the same as balanced");
  for (const PlannerInfo& info : planners())
    fmt::print("{:<16} {:<10} {}\n", info.name, info.builtin ? "built-in" : info.path.filename().string(),
               info.description);
  fmt::print("{:<16} {:<10} {}\n", "DEVICE", "built-in", "a device name: every unit there");
}

void run_plan(const PlanCommandOptions& options, const GlobalOptions& global) {
  for (const std::string& path : options.planner_plugins) load_planner_plugin(path);
  if (options.list) {
    list_planners();
    return;
  }
  std::string title;
  const ModelGraph graph = load_graph(options, title);
  PlanOptions plan_options;
  const nlohmann::json host = simulated(options) ? read_simulated_devices(options, plan_options.links) : nullptr;
  Runtime runtime(runtime_options(global));
  // Real devices are measured before they are planned on (once: the figures are cached), and
  // asked which ops they run. Simulated ones run everything at the speeds their file gives.
  if (!simulated(options)) {
    calibrate_unmeasured(runtime, global.quiet);
    plan_options.supports = device_support(runtime);
  }
  const std::vector<DeviceInfo> devices = planning_devices(options, runtime, host);
  plan_options.workload.batch_size = options.batch;
  plan_options.workload.micro_batches = options.micro_batches;
  plan_options.workload.context_length = options.context;
  if (!options.kv_dtype.empty()) {
    const std::optional<DType> kv_dtype = parse_dtype(options.kv_dtype);
    if (!kv_dtype) usage_error(fmt::format("--kv-dtype '{}' is not a dtype", options.kv_dtype));
    plan_options.workload.kv_dtype = *kv_dtype;
  }
  plan_options.allow_disk = !options.no_disk;
  if (!options.max_memory.empty()) plan_options.max_memory = parse_max_memory(options.max_memory);
  plan_options.planner_options_json = planner_options_json(options.planner_options);

  PlanResult result;
  if (!options.device_map.empty()) {
    std::vector<std::string> gpu_names;
    for (const DeviceInfo& info : devices)
      if (info.kind != DeviceKind::cpu) gpu_names.push_back(info.name);
    result = plan_with_map(graph, devices, DeviceMap::from_json(read_input_file(options.device_map), gpu_names),
                           plan_options);
  } else {
    result = plan(graph, devices, options.strategy, plan_options);
  }

  if (!options.svg.empty()) write_file(options.svg, plan_to_svg(result, title));
  if (!options.save.empty()) write_file(options.save, result.map.to_json() + "\n");
  if (options.json) {
    fmt::print("{}\n", plan_to_json(result));
    return;
  }
  fmt::print("{}: {} units, {} of weights\n", title, graph.units.size(), format_size(graph.parameter_bytes()));
  fmt::print("{}", format_plan_table(result.report));
  if (result.map.entries().size() <= 8)
    fmt::print("device map: {}\n", nlohmann::json::parse(result.map.to_json()).dump());
  else
    fmt::print("device map: {} entries (see them with --json, or write them with --save FILE)\n",
               result.map.entries().size());
  if (!options.svg.empty()) fmt::print("picture: {}\n", options.svg);
  if (!options.save.empty()) fmt::print("saved: {} (use it with strata run --device-map)\n", options.save);
}

}  // namespace

void add_plan_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<PlanCommandOptions>();
  auto* command =
      app.add_subcommand("plan", "decide which device each layer of a model runs on, and predict its speed");
  command->add_option("--model", options->model, "checkpoint folder (config.json + safetensors)");
  command->add_option("--config", options->config, "a config.json alone: no weights needed");
  command->add_option("--devices", options->devices,
                      "devices to plan on: a list (opencl:0,cpu), or a simulated-devices FILE.json "
                      "(default: every device found)");
  command
      ->add_option("--strategy", options->strategy,
                   "auto|balanced|balanced_low_0|sequential|latency|throughput, a plugin's name, or a device")
      ->capture_default_str();
  command->add_option("--device-map", options->device_map, "check and report an explicit device map FILE.json");
  command->add_option("--max-memory", options->max_memory,
                      "budgets, Hugging Face style: DEVICE=SIZE,... or JSON (e.g. 0=20GiB,1=20GiB,cpu=64GB,disk=1TB)");
  command->add_option("--host-memory", options->host_memory, "plan as if the CPU had this much memory (e.g. 64GiB)");
  command->add_option("--batch", options->batch, "sequences decoded together")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--micro-batches", options->micro_batches,
                   "batches in flight through a split model at once (throughput's pipeline; 1: one request)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--context", options->context, "tokens each KV cache holds (default: min(4096, the model's))")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--kv-dtype", options->kv_dtype, "KV cache dtype: f32 or f16 (default: the model's width)");
  command->add_flag("--no-disk", options->no_disk, "never offload to disk");
  command->add_option("--planner-plugin", options->planner_plugins, "load a planner plugin (.so) by path");
  command->add_option("--planner-option", options->planner_options, "KEY=VALUE for the strategy");
  command->add_flag("--list", options->list, "list the strategies");
  command->add_flag("--json", options->json, "print the plan as JSON");
  command->add_option("--svg", options->svg, "draw the plan as an SVG picture into FILE");
  command->add_option("--save", options->save, "write the device map (Hugging Face JSON) into FILE");
  command->callback([options, &global] { run_plan(*options, global); });
}

}  // namespace strata::cli
