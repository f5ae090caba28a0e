// strata-bench-placement: is the placement right on this machine? Every strategy and every
// single device, on the demo checkpoint and on a larger Llama shape with random weights, each
// placement measured as `strata run` runs it (prefill, then decode) beside what its plan
// predicted, and where the latency plan - what `make run` runs - ranks among them.
//
//   strata-bench-placement [--random 0.2b|1.1b|none] [--devices cpu,opencl:0] [--batch N]
//                          [--micro-batches M] [--split cpu=7,vulkan:0=9] [--json FILE]
//
// With --batch N the workload is N sequences decoded together (Session::decode), planned with
// Workload::batch_size = N and measured as every sequence's tokens per second together. With
// --micro-batches M, N x M sequences are decoded in M pipelined micro-batches of N
// (SessionOptions::micro_batches), planned with Workload::micro_batches = M.
//
// Devices never measured are measured first (and cached), as `strata run` does. Results are
// Markdown tables for docs/benchmarks.md.
#include "candidates.hpp"
#include "placement_run.hpp"
#include "report.hpp"

#include <strata/calibration.hpp>
#include <strata/checkpoint.hpp>
#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>

namespace {

using namespace strata;

struct Options {
  std::string model;
  std::string random = "0.2b";
  std::vector<std::string> devices;
  std::vector<bench::LayerSplit> split;
  std::vector<std::string> strategies{"latency", "throughput", "balanced", "balanced_low_0", "sequential"};
  bench::RunShape shape;
  std::string json;
  bool quick = false;
};

// The demo checkpoint: installed beside the executable (<prefix>/share/strata/models), else the
// source tree's.
std::filesystem::path demo_model() {
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto installed = executable.parent_path().parent_path() / "share/strata/models/tiny-llama-pystdlib";
  if (!error && std::filesystem::is_directory(installed)) return installed;
  return std::filesystem::path(STRATA_SAMPLE_MODELS_DIR) / "tiny-llama-pystdlib";
}

// Llama shapes with random weights: "0.2b" (hidden 1024, 8 layers, bf16: 0.3 GB, fits every
// device here) and DESIGN.md's "1.1b" (hidden 2048, 16 layers, f16: 2.2 GB).
ModelConfig random_shape(const std::string& name) {
  ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 32000;
  config.max_position_embeddings = 2048;
  config.rms_norm_eps = 1e-5;
  config.head_dim = 64;
  if (name == "0.2b") {
    config.hidden_size = 1024;
    config.intermediate_size = 2816;
    config.num_hidden_layers = 8;
    config.num_attention_heads = 16;
    config.num_key_value_heads = 4;
    config.dtype = DType::bf16;
  } else if (name == "1.1b") {
    config.hidden_size = 2048;
    config.intermediate_size = 8192;
    config.num_hidden_layers = 16;
    config.num_attention_heads = 32;
    config.num_key_value_heads = 8;
    config.dtype = DType::f16;
  } else {
    throw std::runtime_error(fmt::format("--random is 0.2b, 1.1b or none, not '{}'", name));
  }
  return config;
}

// `mapped`: the weights are a checkpoint's files, which "disk" units read (random weights are not).
bench::ModelResult run_model(const std::string& title, const ModelGraph& graph, const WeightSource& weights,
                             bool mapped, const Runtime& runtime, const Options& options) {
  Workload workload;
  workload.prompt_tokens = options.shape.prompt_tokens;
  workload.batch_size = options.shape.sequences;
  workload.micro_batches = options.shape.micro_batches;
  workload.context_length = options.shape.prompt_tokens + options.shape.decode_tokens + 1;
  bench::ModelResult result;
  result.model = title;
  result.candidates =
      bench::plan_candidates(graph, runtime, workload, {options.strategies, options.devices, options.split, mapped});
  for (const auto& targets : result.candidates.placements) {
    fmt::print(stderr, "measuring {}\n", bench::placement_text(targets));
    result.measured.push_back(bench::measure_placement(runtime, graph, weights, targets, options.shape));
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"strata-bench-placement: every strategy and every device, predicted beside measured"};
  app.add_option("--model", options.model, "checkpoint folder (default: the demo model)");
  app.add_option("--random", options.random, "a larger Llama shape with random weights: 0.2b, 1.1b or none")
      ->capture_default_str();
  app.add_option("--devices", options.devices, "the single devices to measure (default: all)")->delimiter(',');
  app.add_option("--strategies", options.strategies, "the strategies to plan with")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--prompt", options.shape.prompt_tokens, "prompt tokens prefilled")->capture_default_str();
  app.add_option("--tokens", options.shape.decode_tokens, "tokens decoded")->capture_default_str();
  app.add_option("--repeats", options.shape.repeats, "prefills timed (the median counts)")->capture_default_str();
  app.add_option("--batch", options.shape.sequences, "sequences decoded together")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--micro-batches", options.shape.micro_batches,
                 "batches in flight through a split model's devices (pipelined; each of --batch sequences)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  std::string split;
  app.add_option("--split", split,
                 "also this split: decoder layers per device in order, e.g. cpu=7,vulkan:0=9 (the embedding with "
                 "the first, the head with the last)");
  app.add_option("--json", options.json, "also write the results as JSON to this file");
  app.add_flag("--quick", options.quick, "the demo model, a few tokens, no warm-up: a smoke test, not a measurement");
  CLI11_PARSE(app, argc, argv);
  try {
    if (!split.empty()) options.split = bench::parse_layer_split(split);
    if (options.quick) {
      options.random = "none";
      options.shape = {8, 4, 1, 0.0, options.shape.sequences, options.shape.micro_batches};
    }
    Runtime runtime;
    CalibrationOptions calibration;
    calibration.on_progress = [](const CalibrationProgress& progress) {
      if (progress.step_index == 0)
        fmt::print(stderr, "measuring {} ({} steps, once: cached)\n", progress.device, progress.step_count);
    };
    if (options.quick) calibration.seconds_per_step = 0.02;
    runtime.calibrate(calibration, options.devices);

    fmt::print("devices:\n");
    for (const Device& device : runtime.devices())
      fmt::print("- {}: {} ({}, {})\n", device.name(), device.info().description, device.info().driver,
                 to_string(device.info().sharing));
    fmt::print(
        "workload: {} sequence{} decoded together in {} micro-batch{}, a {}-token prompt each, {} tokens "
        "decoded\n",
        options.shape.sequences * options.shape.micro_batches,
        options.shape.sequences * options.shape.micro_batches == 1 ? "" : "s", options.shape.micro_batches,
        options.shape.micro_batches == 1 ? "" : "es", options.shape.prompt_tokens, options.shape.decode_tokens);

    nlohmann::json results = nlohmann::json::array();
    const Checkpoint demo =
        Checkpoint::open(options.model.empty() ? demo_model() : std::filesystem::path(options.model));
    results.push_back(bench::report_model(run_model(
        fmt::format("{} ({}, checkpoint)", demo.directory().filename().string(), to_string(demo.config().dtype)),
        demo.graph(), CheckpointWeights(demo), true, runtime, options)));
    if (options.random != "none") {
      const ModelGraph graph = build_model_graph(random_shape(options.random));
      results.push_back(bench::report_model(
          run_model(fmt::format("Llama {} shape ({}, random weights)", options.random, to_string(graph.config.dtype)),
                    graph, RandomWeights(1), false, runtime, options)));
    }
    if (!options.json.empty()) std::ofstream(options.json) << results.dump(2) << "\n";
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata-bench-placement: {}\n", error.what());
    return 1;
  }
}
