// strata-bench-device --device NAME [--quick] [--json FILE]: the device benchmark shared by
// every backend. See docs/opencl-backend.md ("Benchmark") for what each number means.
#include "bench.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>

namespace bench {

namespace {

// The variable a backend reads its matmul engine from, or nullptr.
const char* engine_variable(const strata::Device& device) {
  if (device.info().backend == "opencl") return "STRATA_OPENCL_MATMUL";
  if (device.info().backend == "vulkan") return "STRATA_VULKAN_MATMUL";
  return nullptr;
}

}  // namespace

std::optional<strata::Queue> make_queue(const strata::Device& device, const std::string& matmul_engine) {
  const char* variable = engine_variable(device);
  if (variable == nullptr || matmul_engine == "default") return device.create_queue();
  const char* old = std::getenv(variable);
  const std::string saved = old ? old : "";
  setenv(variable, matmul_engine.c_str(), 1);
  std::optional<strata::Queue> queue;
  try {
    queue = device.create_queue();
  } catch (const strata::Error& error) {
    if (error.code() != strata::StatusCode::unavailable) throw;
    fmt::print("  [{}] not measured: {}\n", matmul_engine, error.what());
  }
  if (old)
    setenv(variable, saved.c_str(), 1);
  else
    unsetenv(variable);
  return queue;
}

std::vector<std::string> matmul_engines(const strata::Device& device, const Options& options) {
  if (device.info().backend == "opencl") return options.opencl_matmul;
  if (device.info().backend == "vulkan") return options.vulkan_matmul;
  return {"default"};
}

std::vector<std::string> matvec_engines(const strata::Device& device, const Options& options) {
  if (device.info().backend == "opencl") return options.opencl_matmul;
  return {"default"};
}

}  // namespace bench

int main(int argc, char** argv) {
  bench::Options options;
  CLI::App app{"strata-bench-device: copy bandwidth, matrix-vector, matmul and decode speed of one device"};
  app.add_option("--device", options.device, "device name: cpu, opencl:0, vulkan:0, ...")->capture_default_str();
  app.add_option("--json", options.json_path, "also write the results as JSON to this file");
  app.add_flag("--quick", options.quick, "small sizes (a smoke test, not a measurement)");
  app.add_flag("--if-present", options.if_present, "exit 0 without measuring when the device does not exist");
  app.add_option("--opencl-matmul", options.opencl_matmul, "OpenCL matmul engines to compare: own, clblast")
      ->delimiter(',');
  app.add_option("--vulkan-matmul", options.vulkan_matmul, "Vulkan matmul engines to compare: coopmat, tiled, auto")
      ->delimiter(',');
  app.add_option("--sections", options.sections, "sections to run: copy, matvec, matmul, decode (ratios need copy)")
      ->delimiter(',')
      ->check(CLI::IsMember({"copy", "matvec", "matmul", "decode"}));
  app.add_option("--tokens", options.decode_tokens, "decode: tokens to time")->capture_default_str();
  app.add_option("--context", options.decode_context, "decode: tokens already in the KV cache")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (options.quick) {
    options.decode_tokens = std::min(options.decode_tokens, 6);
    options.decode_context = std::min(options.decode_context, 16);
    if (app.count("--opencl-matmul") == 0) options.opencl_matmul = {"own"};
  }

  try {
    strata::Runtime runtime;
    const std::optional<strata::Device> device = runtime.find_device(options.device);
    if (!device) {
      if (options.if_present) {
        fmt::print("no device {} here: nothing to measure\n", options.device);
        return 0;
      }
      runtime.device(options.device);  // throws, listing the devices that exist
    }
    const strata::DeviceInfo& info = device->info();
    fmt::print("strata-bench-device: {} ({}, {} backend){}\n", device->name(), info.description, info.backend,
               options.quick ? " [quick: small sizes, not a measurement]" : "");
    bench::Report report;
    const auto wanted = [&](const char* section) {
      return std::find(options.sections.begin(), options.sections.end(), section) != options.sections.end();
    };
    if (wanted("copy")) bench::run_copy_section(*device, options, report);
    if (wanted("matvec")) bench::run_matvec_section(*device, options, report);
    if (wanted("matmul")) bench::run_matmul_section(*device, options, report);
    if (wanted("decode")) bench::run_decode_section(*device, options, report);
    report.print_table();
    if (!options.json_path.empty()) {
      report.write_json(options.json_path, *device, options);
      fmt::print("\nwrote {}\n", options.json_path);
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "strata-bench-device: {}\n", error.what());
    return 1;
  }
  return 0;
}
