// The placement and generation settings of `strata run`, `strata chat` and `strata serve`.
#include "generation_setup.hpp"

#include "exit_status.hpp"
#include "input_files.hpp"
#include "measure_devices.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace strata::cli {
namespace {

constexpr std::string_view demo_model = "tiny-llama-pystdlib";

// "model.embed_tokens, model.layers.0-3, model.layers.5" rather than six names: a range only
// where the layer numbers follow each other.
std::string summarize_units(const std::vector<std::string>& units) {
  constexpr std::string_view layer_prefix = "model.layers.";
  auto layer_number = [&](const std::string& name) -> std::optional<long> {
    if (!name.starts_with(layer_prefix)) return std::nullopt;
    const std::string digits = name.substr(layer_prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
      return std::nullopt;
    return std::stol(digits);
  };
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < units.size();) {
    const std::optional<long> first = layer_number(units[i]);
    std::size_t j = i;
    while (first && j + 1 < units.size() && layer_number(units[j + 1]) == *first + static_cast<long>(j + 1 - i)) ++j;
    parts.push_back(j == i ? units[i]
                           : fmt::format("{}{}-{}", layer_prefix, *first, *first + static_cast<long>(j - i)));
    i = j + 1;
  }
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

}  // namespace

void add_placement_options(CLI::App& command, PlacementOptions& options) {
  command
      .add_option("--device-map", options.device_map,
                  "auto|balanced|balanced_low_0|sequential|latency|throughput, a device name, or FILE.json")
      ->capture_default_str();
  command.add_option("--max-memory", options.max_memory,
                     "memory budgets: DEVICE=SIZE,... (e.g. opencl:0=2GiB,cpu=8GB)");
  command.add_option("--context", options.context, "tokens the KV cache holds")->check(CLI::NonNegativeNumber);
  command.add_option("--kv-dtype", options.kv_dtype, "KV cache dtype: f32 or f16 (default: the model's width)");
}

// The demo model lives in <prefix>/share/strata/models, beside <prefix>/bin/strata; the build
// tree mirrors that layout.
std::filesystem::path default_model_dir() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path candidate =
      executable.parent_path().parent_path() / "share" / "strata" / "models" / std::string(demo_model);
  if (error || !std::filesystem::is_directory(candidate))
    throw Error(StatusCode::unavailable,
                fmt::format("the demo model is not installed at {}; give a checkpoint folder with --model DIR",
                            candidate.string()));
  return candidate;
}

std::optional<DType> kv_dtype_option(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text != "f32" && text != "f16") throw UsageError(fmt::format("--kv-dtype is f32 or f16, not '{}'", text));
  return text == "f16" ? DType::f16 : DType::f32;
}

// --device-map: a planner strategy, a device name, or a Hugging Face device_map JSON file. The plan
// is made on the runtime's devices, with their measured figures and their own answers to which
// ops they run, for the workload this run is: its sequences, this prompt, this context.
PlanResult plan_placement(const PlacementOptions& options, const ModelGraph& graph, Runtime& runtime,
                          std::int64_t context, std::int64_t prompt_tokens, bool quiet, std::int64_t sequences,
                          std::int64_t micro_batches) {
  const bool one_device = runtime.find_device(options.device_map).has_value();
  calibrate_unmeasured(runtime, quiet,
                       one_device ? std::vector<std::string>{options.device_map} : std::vector<std::string>{});
  std::vector<std::string> gpu_names;
  for (const Device& device : runtime.devices())
    if (device.info().kind != DeviceKind::cpu) gpu_names.push_back(device.name());
  PlanOptions plan_options;
  plan_options.workload.context_length = context;
  plan_options.workload.prompt_tokens = prompt_tokens;
  plan_options.workload.micro_batches = std::min(micro_batches, sequences);
  plan_options.workload.batch_size =
      (sequences + plan_options.workload.micro_batches - 1) / plan_options.workload.micro_batches;  // per micro-batch
  plan_options.workload.kv_dtype = kv_dtype_option(options.kv_dtype);
  if (!options.max_memory.empty()) plan_options.max_memory = parse_max_memory(options.max_memory);
  if (options.device_map.ends_with(".json"))
    return plan_with_map(graph, runtime, DeviceMap::from_json(read_input_file(options.device_map), gpu_names),
                         plan_options);
  return plan(graph, runtime, options.device_map, plan_options);
}

LoadReporter::LoadReporter(bool quiet) : quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0) {}

void LoadReporter::operator()(const LoadProgress& progress) {
  if (quiet_ || progress.bytes_total == 0) return;
  const double fraction = static_cast<double>(progress.bytes_done) / static_cast<double>(progress.bytes_total);
  if (terminal_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    fmt::print(stderr, "\rloading [{}{}] {:3.0f}% {} -> {}\x1b[K", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), fraction * 100, progress.parameter,
               progress.target);
    if (progress.parameters_done == progress.parameters_total) fmt::print(stderr, "\n");
    return;
  }
  const int quarter = static_cast<int>(fraction * 4);
  if (quarter > last_quarter_) {
    last_quarter_ = quarter;
    fmt::print(stderr, "loading: {}% ({} of {})\n", quarter * 25, format_size(progress.bytes_done),
               format_size(progress.bytes_total));
  }
}

void print_placement(const std::vector<TargetPlacement>& placement, std::string_view strategy) {
  fmt::print(stderr, "placement (device map: {}):\n", strategy);
  fmt::print(stderr, "  {:<12} {:>10} {:>10} {:>10}  units\n", "device", "weights", "mapped", "KV cache");
  for (const TargetPlacement& target : placement)
    fmt::print(stderr, "  {:<12} {:>10} {:>10} {:>10}  {}\n", target.target, format_size(target.weight_bytes),
               format_size(target.mapped_bytes), format_size(target.kv_bytes), summarize_units(target.units));
}

std::string detail_rate(double tokens_per_second) {
  return std::isfinite(tokens_per_second) ? fmt::format("{:.0f}", tokens_per_second) : std::string("unknown");
}

void add_sampling_flags(CLI::App& command, SamplingFlags& flags) {
  flags.command = &command;
  command.add_option("--max-new-tokens", flags.max_new_tokens, "tokens to generate (default: the model's, else 64)")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--temperature", flags.temperature, "0 = greedy (default: the model's generation_config.json)");
  command.add_option("--top-k", flags.top_k, "sample among the k likeliest tokens (0 = all)");
  command.add_option("--top-p", flags.top_p, "sample among the likeliest tokens reaching p");
  command.add_option("--min-p", flags.min_p, "drop tokens less likely than min-p times the likeliest");
  command.add_option("--repetition-penalty", flags.repetition_penalty,
                     "divide (or multiply, when negative) the logits of tokens already seen");
  command.add_option("--seed", flags.seed, "random seed for sampling")->capture_default_str();
  command.add_option("--stop", flags.stop, "end the text before this string (repeat for several)");
}

GenerateOptions generation_options(const SamplingFlags& flags, const std::optional<GenerationConfig>& generation_config,
                                   const ModelConfig& model_config) {
  GenerateOptions options = generation_config ? generation_config->generate_options() : GenerateOptions{};
  // transformers reads the EOS ids of config.json when the model has no generation config.
  if (options.stop_tokens.empty())
    for (std::int64_t id : model_config.eos_token_ids) options.stop_tokens.push_back(static_cast<std::int32_t>(id));
  auto given = [&](const char* flag) { return flags.command != nullptr && flags.command->count(flag) > 0; };
  if (given("--max-new-tokens") || !(generation_config && generation_config->max_new_tokens))
    options.max_new_tokens = flags.max_new_tokens;
  SamplingOptions& sampling = options.sampling;
  if (given("--temperature")) sampling.temperature = flags.temperature;
  if (given("--top-k")) sampling.top_k = flags.top_k;
  if (given("--top-p")) sampling.top_p = flags.top_p;
  if (given("--min-p")) sampling.min_p = flags.min_p;
  if (given("--repetition-penalty")) sampling.repetition_penalty = flags.repetition_penalty;
  sampling.seed = flags.seed;
  return options;
}

void add_template_eos(GenerateOptions& generation, const ChatTemplate& chat, const Tokenizer& tokenizer) {
  if (!generation.stop_tokens.empty()) return;
  const auto eos = chat.variables().find("eos_token");
  if (eos == chat.variables().end()) return;
  if (const std::optional<std::int32_t> id = tokenizer.token_to_id(eos->second)) generation.stop_tokens.push_back(*id);
}

}  // namespace strata::cli
