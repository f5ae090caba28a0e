#include "program_build.hpp"

#include "kernel_source.hpp"
#include "program_cache.hpp"

#include <strata_plugin/host.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace strata_opencl {
namespace {

std::uint32_t power_of_two_at_most(std::uint64_t limit, std::uint32_t wanted) {
  std::uint32_t value = wanted;
  while (value > 1 && value > limit) value /= 2;
  return value;
}

// An environment override, accepted only when it is one of `allowed`.
std::uint32_t tuning(const char* name, std::uint32_t fallback, std::initializer_list<std::uint32_t> allowed) {
  const char* text = std::getenv(name);
  if (text == nullptr || text[0] == '\0') return fallback;
  const unsigned long value = std::strtoul(text, nullptr, 10);
  for (std::uint32_t option : allowed)
    if (value == option) return option;
  strata_plugin::log(STRATA_LOG_WARNING, fmt::format("opencl: ignoring {}={} (not an allowed value)", name, text));
  return fallback;
}

std::string build_log(const cl::Program& program, const cl::Device& device) {
  std::string log;
  try {
    log = program.getBuildInfo<CL_PROGRAM_BUILD_LOG>(device);
  } catch (const cl::Error&) {
    log = "(the driver gave no build log)";
  }
  return log;
}

}  // namespace

std::string KernelConfig::build_options() const {
  return fmt::format("-cl-std=CL1.2 -DROW_WG={} -DATT_WG={} -DGEMV_WG={} -DGEMV_ROWS={} -DGEMV_M={} -DGEMM_WPT={}",
                     row_wg, att_wg, gemv_wg, gemv_rows, gemv_m, gemm_wpt);
}

KernelConfig choose_kernel_config(const DeviceDescription& description) {
  KernelConfig config;
  const std::uint64_t limit = description.max_work_group_size;
  config.row_wg = power_of_two_at_most(limit, 256);
  config.att_wg = power_of_two_at_most(limit, 64);
  config.gemv_wg = power_of_two_at_most(limit, tuning("STRATA_OPENCL_GEMV_WG", 128, {32, 64, 128, 256, 512}));
  config.gemv_rows = tuning("STRATA_OPENCL_GEMV_ROWS", 2, {1, 2, 4, 8});
  config.gemv_m = tuning("STRATA_OPENCL_GEMV_M", 4, {1, 2, 4, 8});
  config.gemm_wpt = tuning("STRATA_OPENCL_GEMM_WPT", 4, {2, 4, 8});
  config.gemm_usable = limit >= 256;
  return config;
}

std::string program_cache_key(const DeviceDescription& description, const std::string& options) {
  return fmt::format(
      "strata-opencl program\nplatform={}\nplatform_version={}\ndevice={}\ndevice_version={}\ndriver={}\n"
      "options={}\nsource={:016x}\n",
      description.platform_name, description.platform_version, description.name, description.device_version,
      description.driver_version, options, fingerprint(kernel_source()));
}

BuiltProgram build_program(const cl::Context& context, const cl::Device& device, const DeviceDescription& description,
                           const KernelConfig& config) {
  const std::string options = config.build_options();
  const std::string key = program_cache_key(description, options);
  // A CPU device's program binary is native code the driver loads into this process, and PoCL
  // keeps its own kernel cache: a second start took 0.13 s without Strata's cache and 0.11 s with
  // it, too little to be worth holding loadable code. Only GPU binaries are cached here.
  const std::optional<PrivateDir> cache = description.kind == STRATA_DEVICE_CPU ? std::nullopt : open_program_cache();

  if (cache) {
    if (std::optional<Binary> binary = load_cached_binary(*cache, key)) {
      try {
        cl::Program program(context, {device}, cl::Program::Binaries{*binary});
        program.build({device}, options.c_str());
        return {program, true};
      } catch (const cl::Error& error) {
        strata_plugin::log(STRATA_LOG_WARNING,
                           fmt::format("opencl: ignoring an unusable cached program for {} ({}); rebuilding",
                                       description.name, error.what()));
      }
    }
  }

  cl::Program program(context, kernel_source());
  const cl_device_id id = device();
  const cl_int status = clBuildProgram(program(), 1, &id, options.c_str(), nullptr, nullptr);
  if (status != CL_SUCCESS)
    strata_plugin::fail(STRATA_STATUS_INTERNAL, "opencl: building the kernels for {} failed ({}); compiler log:\n{}",
                        description.name, status, build_log(program, device));

  if (cache) {
    try {
      const std::vector<Binary> binaries = program.getInfo<CL_PROGRAM_BINARIES>();
      if (binaries.size() == 1 && !binaries[0].empty()) store_cached_binary(*cache, key, binaries[0]);
    } catch (const cl::Error& error) {
      strata_plugin::log(STRATA_LOG_WARNING, fmt::format("opencl: no program binary to cache: {}", error.what()));
    }
  }
  return {program, false};
}

}  // namespace strata_opencl
