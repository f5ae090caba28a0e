// `strata run`: open a checkpoint, plan its placement over the devices found, load it with a
// progress bar, generate, and report the placement and the speed. With no arguments it runs the
// demo model (tiny-llama-pystdlib) installed next to the executable.
#include "commands.hpp"
#include "exit_status.hpp"
#include "input_files.hpp"
#include "measure_devices.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <unistd.h>

namespace strata::cli {
namespace {

constexpr std::string_view demo_model = "tiny-llama-pystdlib";
constexpr std::string_view default_prompt = "class Foo:\n    def __init__(self";

struct RunOptions {
  std::string model;
  std::string prompt{default_prompt};
  std::string prompt_ids;
  std::int64_t max_new_tokens = 64;
  std::int64_t context = 0;
  std::string device_map = "auto";
  std::string max_memory;
  std::string kv_dtype;  // "": the model's
  float temperature = 0.0f;
  std::int32_t top_k = 0;
  float top_p = 1.0f;
  std::uint64_t seed = 0;
  bool json = false;
};

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

std::vector<std::int32_t> parse_ids(const std::string& text) {
  std::vector<std::int32_t> ids;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    try {
      std::size_t used = 0;
      ids.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError(fmt::format("--prompt-ids: '{}' is not a token id", item));
    }
  }
  return ids;
}

std::vector<std::int32_t> prompt_tokens(const RunOptions& options, const ModelConfig& config) {
  if (!options.prompt_ids.empty()) return parse_ids(options.prompt_ids);
  if (!has_byte_vocabulary(config))
    throw Error(StatusCode::invalid_argument,
                fmt::format("this model's vocabulary has {} tokens, not the 256 byte values, and Strata has no "
                            "tokenizer for it: give the prompt as --prompt-ids 1,2,3",
                            config.vocab_size));
  return text_to_byte_tokens(options.prompt);
}

// A predicted rate as text: "unknown" when a device had no measured figures.
std::string detail_rate(double tokens_per_second) {
  return std::isfinite(tokens_per_second) ? fmt::format("{:.0f}", tokens_per_second) : std::string("unknown");
}

// --kv-dtype: f32, f16, or "" for the model's own width.
std::optional<DType> kv_dtype_option(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text != "f32" && text != "f16") throw UsageError(fmt::format("--kv-dtype is f32 or f16, not '{}'", text));
  return text == "f16" ? DType::f16 : DType::f32;
}

// --device-map: a planner strategy, a device name, or a Hugging Face device_map JSON file. The plan
// is made on the runtime's devices, with their measured figures and their own answers to which
// ops they run, for the workload this run is: one sequence, this prompt, this context.
PlanResult make_plan(const RunOptions& options, const ModelGraph& graph, const Runtime& runtime, std::int64_t context,
                     std::int64_t prompt_tokens) {
  std::vector<std::string> gpu_names;
  for (const Device& device : runtime.devices())
    if (device.info().kind != DeviceKind::cpu) gpu_names.push_back(device.name());
  PlanOptions plan_options;
  plan_options.workload.context_length = context;
  plan_options.workload.prompt_tokens = prompt_tokens;
  plan_options.workload.kv_dtype = kv_dtype_option(options.kv_dtype);
  if (!options.max_memory.empty()) plan_options.max_memory = parse_max_memory(options.max_memory);
  if (options.device_map.ends_with(".json"))
    return plan_with_map(graph, runtime, DeviceMap::from_json(read_input_file(options.device_map), gpu_names),
                         plan_options);
  return plan(graph, runtime, options.device_map, plan_options);
}

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

// A bar redrawn in place on a terminal; a line per quarter otherwise (logs, pipes, CI).
class LoadReporter {
 public:
  explicit LoadReporter(bool quiet) : quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0) {}

  void operator()(const LoadProgress& progress) {
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

 private:
  bool quiet_;
  bool terminal_;
  int last_quarter_ = 0;
};

// The placement goes to stderr with the other reports, so that stdout carries the text alone.
void print_placement(const std::vector<TargetPlacement>& placement, std::string_view strategy) {
  fmt::print(stderr, "placement (device map: {}):\n", strategy);
  fmt::print(stderr, "  {:<12} {:>10} {:>10} {:>10}  units\n", "device", "weights", "mapped", "KV cache");
  for (const TargetPlacement& target : placement)
    fmt::print(stderr, "  {:<12} {:>10} {:>10} {:>10}  {}\n", target.target, format_size(target.weight_bytes),
               format_size(target.mapped_bytes), format_size(target.kv_bytes), summarize_units(target.units));
}

// null where the plan could not predict (a device without measured figures).
nlohmann::json rate_json(double tokens_per_second) {
  return std::isfinite(tokens_per_second) ? nlohmann::json(tokens_per_second) : nlohmann::json(nullptr);
}

nlohmann::json placement_json(const std::vector<TargetPlacement>& placement) {
  nlohmann::json out = nlohmann::json::array();
  for (const TargetPlacement& target : placement)
    out.push_back({{"target", target.target},
                   {"device", target.device},
                   {"units", target.units},
                   {"weight_bytes", target.weight_bytes},
                   {"mapped_bytes", target.mapped_bytes},
                   {"kv_bytes", target.kv_bytes}});
  return out;
}

void run(const RunOptions& options, const GlobalOptions& global) {
  const std::filesystem::path model_dir =
      options.model.empty() ? default_model_dir() : std::filesystem::path(options.model);
  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const ModelConfig& config = checkpoint.config();
  const std::vector<std::int32_t> prompt = prompt_tokens(options, config);
  // Checked before anything is measured or loaded: a request that cannot fit fails now, not
  // halfway through the output.
  const auto prompt_size = static_cast<std::int64_t>(prompt.size());
  const std::int64_t room = options.context > 0 ? options.context : config.context_limit();
  if (options.max_new_tokens > room - prompt_size)
    throw Error(
        StatusCode::invalid_argument,
        fmt::format("the prompt's {} tokens and --max-new-tokens {} do not fit the context of {} tokens ({}); "
                    "lower --max-new-tokens{}",
                    prompt_size, options.max_new_tokens, room, options.context > 0 ? "--context" : "the model's limit",
                    options.context > 0 ? " or raise --context" : ""));
  const std::int64_t context =
      options.context > 0 ? options.context
                          : std::min(config.context_limit(), static_cast<std::int64_t>(prompt.size()) +
                                                                 std::max<std::int64_t>(options.max_new_tokens, 1));

  Runtime runtime(runtime_options(global));
  // The plan is made from measured figures: the devices it may use that were never measured on
  // this machine are measured now (a device name as the map: that one alone).
  const bool one_device = runtime.find_device(options.device_map).has_value();
  calibrate_unmeasured(runtime, global.quiet,
                       one_device ? std::vector<std::string>{options.device_map} : std::vector<std::string>{});
  const PlanResult plan_result =
      make_plan(options, checkpoint.graph(), runtime, context, static_cast<std::int64_t>(prompt.size()));
  const PlanReport& predicted = plan_result.report;

  // Reports go to stderr, and not at all with --quiet or --json (whose output is the report).
  const bool report = !options.json && !global.quiet;
  LoadReporter reporter(!report);
  SessionOptions session_options;
  session_options.context_length = context;
  session_options.kv_dtype = kv_dtype_option(options.kv_dtype);
  session_options.on_progress = [&](const LoadProgress& progress) { reporter(progress); };
  Session session(runtime, checkpoint, plan_result.targets, session_options);

  GenerateOptions generation;
  generation.max_new_tokens = options.max_new_tokens;
  generation.sampling = {options.temperature, options.top_k, options.top_p, options.seed};
  const bool bytes = has_byte_vocabulary(config);
  if (report) {
    fmt::print(stderr, "model: {} ({}, {} layers, {} of weights)\n", model_dir.filename().string(), config.architecture,
               config.num_hidden_layers, format_size(checkpoint.graph().parameter_bytes()));
    print_placement(session.placement(), options.device_map);
    for (const std::string& note : predicted.notes) fmt::print(stderr, "  note: {}\n", note);
    fmt::print(stderr, "predicted: prefill {} tokens/s, decode {} tokens/s\n\n",
               detail_rate(predicted.prefill_tokens_per_second), detail_rate(predicted.tokens_per_second));
    std::fflush(stderr);
  }
  if (!options.json) {
    if (bytes) fmt::print("{}", byte_tokens_to_text(prompt));
    std::fflush(stdout);
    // Stream the text as it comes.
    generation.on_token = [&](std::int32_t token) {
      if (bytes) {
        std::putchar(token);
      } else {
        fmt::print("{} ", token);
      }
      std::fflush(stdout);
      return true;
    };
  }
  const GenerationResult result = generate(session, prompt, generation);

  if (options.json) {
    nlohmann::json out = {
        {"model", model_dir.string()},
        {"device_map", nlohmann::json::parse(plan_result.map.to_json())},
        {"placement", placement_json(session.placement())},
        {"prompt_ids", prompt},
        {"generated_ids", result.tokens},
        {"stop_reason", to_string(result.stop_reason)},
        {"prefill",
         {{"tokens", result.prompt_tokens},
          {"seconds", result.prefill_seconds},
          {"tokens_per_second", result.prefill_tokens_per_second()}}},
        {"decode",
         {{"tokens", result.decode_steps},
          {"seconds", result.decode_seconds},
          {"tokens_per_second", result.decode_tokens_per_second()}}},
        // What the plan predicted for this run, beside what it measured.
        {"predicted",
         {{"prefill_tokens_per_second", rate_json(predicted.prefill_tokens_per_second)},
          {"decode_tokens_per_second", rate_json(predicted.tokens_per_second)}}},
        {"notes", predicted.notes},
    };
    if (bytes) {
      out["prompt"] = byte_tokens_to_text(prompt);
      out["generated_text"] = byte_tokens_to_text(result.tokens);
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  fmt::print("\n");
  std::fflush(stdout);
  if (!report) return;
  fmt::print(stderr, "\nprefill: {} tokens in {:.1f} ms ({:.0f} tokens/s; predicted {})\n", result.prompt_tokens,
             result.prefill_seconds * 1e3, result.prefill_tokens_per_second(),
             detail_rate(predicted.prefill_tokens_per_second));
  fmt::print(stderr, "decode:  {} tokens in {:.1f} ms ({:.0f} tokens/s; predicted {})\n", result.decode_steps,
             result.decode_seconds * 1e3, result.decode_tokens_per_second(), detail_rate(predicted.tokens_per_second));
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<RunOptions>();
  auto* command = app.add_subcommand("run", "generate text from a Hugging Face checkpoint (default: the demo model)");
  command->add_option("--model", options->model, "checkpoint folder (config.json + safetensors)");
  command->add_option("--prompt", options->prompt, "prompt text (byte-level models)")->capture_default_str();
  command->add_option("--prompt-ids", options->prompt_ids, "prompt as token ids: 1,2,3 (any model)");
  command->add_option("--max-new-tokens", options->max_new_tokens, "tokens to generate")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--device-map", options->device_map,
                   "auto|balanced|balanced_low_0|sequential|latency|throughput, a device name, or FILE.json")
      ->capture_default_str();
  command->add_option("--max-memory", options->max_memory,
                      "memory budgets: DEVICE=SIZE,... (e.g. opencl:0=2GiB,cpu=8GB)");
  command->add_option("--context", options->context, "tokens the KV cache holds (default: prompt + new tokens)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--kv-dtype", options->kv_dtype, "KV cache dtype: f32 or f16 (default: the model's width)");
  command->add_option("--temperature", options->temperature, "0 = greedy")->capture_default_str();
  command->add_option("--top-k", options->top_k, "sample among the k likeliest tokens (0 = all)")
      ->capture_default_str();
  command->add_option("--top-p", options->top_p, "sample among the likeliest tokens reaching p")->capture_default_str();
  command->add_option("--seed", options->seed, "random seed for sampling")->capture_default_str();
  command->add_flag("--json", options->json, "print the result as JSON");
  command->callback([options, &global] { run(*options, global); });
}

}  // namespace strata::cli
