// Decode tokens/s through the SDK's Session, on the demo checkpoint and on a larger Llama shape
// with random weights made by the SDK, next to the limit memory bandwidth sets: tokens/s can
// never exceed (bandwidth / bytes of weights read per token); then batched decode (the next token
// of several sequences per step) against one sequence, side by side. One command:
//   strata_decode_bench [--device cpu] [--layers 4] [--dtype f16] [--tokens 64]
//                       [--sequences 1,4,16] [--quick]
// prints Markdown tables for docs/benchmarks.md.
#include "copy_bandwidth.hpp"
#include "decode_run.hpp"

#include <strata/checkpoint.hpp>
#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Options {
  std::string device = "cpu";
  std::string model_dir = STRATA_SAMPLE_MODELS_DIR "/tiny-llama-pystdlib";
  std::int64_t layers = 4;
  std::string dtype = "f16";
  std::int64_t tokens = 64;
  std::int64_t prompt = 32;
  std::vector<std::int64_t> sequences{1, 2, 4, 8, 16};
  bool quick = false;
};

// The command line, through CLI11 as every strata command; exits (as CLI11 does) on --help or a
// malformed option. One sequence is always measured, first, as batched decode's baseline.
Options parse(int argc, char** argv) {
  Options options;
  CLI::App app{"strata_decode_bench: decode through the Session against the memory-bandwidth limit"};
  app.add_option("--device", options.device, "the device to run on")->capture_default_str();
  app.add_option("--model", options.model_dir, "the checkpoint folder")->capture_default_str();
  app.add_option("--layers", options.layers, "decoder layers of the 1.1B shape")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--dtype", options.dtype, "the 1.1B shape's weights: f16, bf16 or f32")->capture_default_str();
  app.add_option("--tokens", options.tokens, "tokens decoded")->check(CLI::Range(2, 100000))->capture_default_str();
  app.add_option("--prompt", options.prompt, "prompt tokens prefilled")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--sequences", options.sequences, "sequences decoded together, one count per measurement")
      ->delimiter(',')
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_flag("--quick", options.quick, "1 layer, 16 tokens, 1 and 4 sequences: a smoke run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::exit(app.exit(error));
  }
  std::erase(options.sequences, 1);
  options.sequences.insert(options.sequences.begin(), 1);
  return options;
}

// DESIGN.md's 1.1B Llama shape (hidden 2048, intermediate 8192, 32/8 heads, vocab 32000) with
// `layers` of its 16 decoder layers.
strata::ModelConfig llama_1b_shape(std::int64_t layers, strata::DType dtype) {
  strata::ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 32000;
  config.hidden_size = 2048;
  config.intermediate_size = 8192;
  config.num_hidden_layers = layers;
  config.num_attention_heads = 32;
  config.num_key_value_heads = 8;
  config.head_dim = 64;
  config.max_position_embeddings = 2048;
  config.rms_norm_eps = 1e-5;
  config.dtype = dtype;
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options options = parse(argc, argv);
    if (options.quick) {
      options.layers = 1;
      options.tokens = 16;
      options.sequences = {1, 4};
    }
    const auto dtype = strata::parse_dtype(options.dtype);
    if (!dtype || *dtype == strata::DType::i32) throw std::runtime_error("--dtype is f16, bf16 or f32");

    const strata::bench::CopyBandwidth bandwidth = strata::bench::measure_copy_bandwidth(
        options.quick ? std::size_t{64} << 20 : std::size_t{512} << 20, options.quick ? 2 : 5);
    const strata::Runtime runtime;
    std::vector<strata::bench::DecodeResult> results;

    const strata::Checkpoint demo = strata::Checkpoint::open(options.model_dir);
    results.push_back(strata::bench::measure_decode(runtime, "tiny-llama-pystdlib (bf16, 8 layers)", demo.graph(),
                                                    strata::CheckpointWeights(demo), options.device, options.prompt,
                                                    options.tokens));

    const strata::ModelGraph large = strata::build_model_graph(llama_1b_shape(options.layers, *dtype));
    const std::string large_name =
        fmt::format("Llama 1.1B shape, {} of 16 layers ({}, random)", options.layers, options.dtype);
    results.push_back(strata::bench::measure_decode(runtime, large_name, large, strata::RandomWeights(1),
                                                    options.device, options.prompt, options.tokens));
    const auto demo_batched =
        strata::bench::measure_batched_decode(runtime, demo.graph(), strata::CheckpointWeights(demo), options.device,
                                              options.sequences, options.prompt, options.tokens);
    const auto large_batched = strata::bench::measure_batched_decode(
        runtime, large, strata::RandomWeights(1), options.device, options.sequences, options.prompt, options.tokens);

    fmt::print("Host memory bandwidth ({} threads, memcpy of {} MiB): {:.1f} GB/s copy (read + write)\n",
               bandwidth.threads, options.quick ? 64 : 512, bandwidth.bytes_per_second / 1e9);
    // A device with memory of its own is limited by that memory, not the host's.
    double limit_bandwidth = bandwidth.bytes_per_second;
    const strata::Device device = runtime.device(options.device);
    if (device.info().kind != strata::DeviceKind::cpu && !device.info().caps.unified_memory) {
      const auto measured =
          strata::bench::measure_device_bandwidth(runtime, device, options.quick ? 64u << 20 : 256u << 20);
      limit_bandwidth = measured.bytes_per_second;
      fmt::print("Device memory bandwidth (queue copies on {}): {:.1f} GB/s copy (read + write)\n",
                 measured.measured_on, limit_bandwidth / 1e9);
    }
    fmt::print("\n");
    fmt::print(
        "| model | device | weights read per token | prefill tokens/s | decode tokens/s (median) | "
        "limit tokens/s (copy GB/s / bytes per token) | decode / limit |\n");
    fmt::print("|---|---|---|---|---|---|---|\n");
    for (const auto& result : results) {
      const double limit = limit_bandwidth / static_cast<double>(result.weight_bytes_per_token);
      fmt::print("| {} | {} | {:.1f} MB | {:.0f} | {:.1f} | {:.0f} | {:.0f}% |\n", result.model, result.device,
                 static_cast<double>(result.weight_bytes_per_token) / 1e6, result.prefill_tokens_per_second,
                 result.decode_tokens_per_second, limit, 100.0 * result.decode_tokens_per_second / limit);
    }
    fmt::print(
        "\nThe limit is the memory bandwidth of the device that runs the model (read + write, as STREAM counts "
        "it) divided by the weight bytes one token reads.\n");

    fmt::print("\nBatched decode (Session::decode: the next token of every sequence in one step), on {}:\n\n",
               options.device);
    fmt::print(
        "| model | sequences | decode tokens/s, all sequences (median step) | per sequence | x one sequence |\n");
    fmt::print("|---|---|---|---|---|\n");
    const std::pair<const std::string*, const std::vector<strata::bench::BatchedResult>*> tables[] = {
        {&results[0].model, &demo_batched}, {&large_name, &large_batched}};
    for (const auto& [name, batched] : tables)
      for (const auto& result : *batched)
        fmt::print("| {} | {} | {:.1f} | {:.1f} | {:.2f}x |\n", *name, result.sequences, result.tokens_per_second,
                   result.tokens_per_second / static_cast<double>(result.sequences),
                   result.tokens_per_second / batched->front().tokens_per_second);
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata_decode_bench: {}\n", error.what());
    return 1;
  }
}
