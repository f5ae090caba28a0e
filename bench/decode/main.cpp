// Decode tokens/s through the SDK's Session, on the demo checkpoint and on a larger Llama shape
// with random weights made by the SDK, next to the limit memory bandwidth sets: tokens/s can
// never exceed (bandwidth / bytes of weights read per token). One command:
//   strata_decode_bench [--device cpu] [--layers 4] [--dtype f16] [--tokens 64] [--quick]
// prints a Markdown table for docs/benchmarks.md.
#include "copy_bandwidth.hpp"
#include "decode_run.hpp"

#include <strata/checkpoint.hpp>
#include <strata/model.hpp>
#include <strata/runtime.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string device = "cpu";
  std::string model_dir = STRATA_SAMPLE_MODELS_DIR "/tiny-llama-pystdlib";
  std::int64_t layers = 4;
  std::string dtype = "f16";
  std::int64_t tokens = 64;
  std::int64_t prompt = 32;
  bool quick = false;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--device")
      options.device = value();
    else if (arg == "--model")
      options.model_dir = value();
    else if (arg == "--layers")
      options.layers = std::stoll(value());
    else if (arg == "--dtype")
      options.dtype = value();
    else if (arg == "--tokens")
      options.tokens = std::stoll(value());
    else if (arg == "--prompt")
      options.prompt = std::stoll(value());
    else if (arg == "--quick")
      options.quick = true;
    else
      throw std::runtime_error("unknown option " + arg +
                               " (options: --device NAME --model DIR --layers N --dtype f16|bf16|f32 --tokens N "
                               "--prompt N --quick)");
  }
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
    results.push_back(strata::bench::measure_decode(
        runtime, fmt::format("Llama 1.1B shape, {} of 16 layers ({}, random)", options.layers, options.dtype), large,
        strata::RandomWeights(1), options.device, options.prompt, options.tokens));

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
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata_decode_bench: {}\n", error.what());
    return 1;
  }
}
