// Building the kernel program for one device: the tuning knobs that become -D options, and
// the build itself, through the on-disk cache.
#pragma once

#include "cl.hpp"
#include "device_info.hpp"

#include <cstdint>
#include <string>

namespace strata_opencl {

// Work-group shapes baked into the program. Defaults suit GPUs and PoCL alike; the GEMV/GEMM
// ones can be overridden for tuning with STRATA_OPENCL_GEMV_WG, STRATA_OPENCL_GEMV_ROWS,
// STRATA_OPENCL_GEMV_M and STRATA_OPENCL_GEMM_WPT (read when the device's program is first built).
// Products with at most this many rows of x take the matrix-vector kernel (a decode step of up
// to this many sequences), streaming the weights once per GEMV_M rows; more take the tiled one.
// On PoCL (strata_matmul_rows_bench, an 8192x2048 f16 matrix) 16 rows took 62 ms this way and
// 17 rows 204 ms tiled.
inline constexpr std::uint32_t gemv_max_rows = 16;

struct KernelConfig {
  std::uint32_t row_wg = 256;   // norms and softmax: one work-group per row
  std::uint32_t att_wg = 64;    // attention: one work-group per (token, head)
  std::uint32_t gemv_wg = 128;  // matrix-vector
  std::uint32_t gemv_rows = 2;  // output rows per matrix-vector work-group
  std::uint32_t gemv_m = 4;     // rows of x per matrix-vector work-group: one weight read serves them
  std::uint32_t gemm_wpt = 4;   // tiled matmul: a 16x16 work-group computes (16*wpt)^2 outputs
  bool gemm_usable = true;      // false when the device cannot run 16x16 work-groups

  std::string build_options() const;
};

KernelConfig choose_kernel_config(const DeviceDescription& description);

struct BuiltProgram {
  cl::Program program;
  bool from_cache = false;
};

// Loads the program from the cache or compiles it (then stores it). A compile error throws
// strata_plugin::Error(INTERNAL) carrying the compiler's log.
BuiltProgram build_program(const cl::Context& context, const cl::Device& device, const DeviceDescription& description,
                           const KernelConfig& config);

// The cache key for this device, source and options (exposed for tests of the cache).
std::string program_cache_key(const DeviceDescription& description, const std::string& options);

}  // namespace strata_opencl
