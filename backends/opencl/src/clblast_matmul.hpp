// Optional matmul through CLBlast (Debian libclblast-dev), loaded with dlopen only when asked
// for (STRATA_OPENCL_MATMUL=clblast), so the plugin never depends on it. Kept to measure it
// against the plugin's own kernels: see docs/opencl-backend.md.
#pragma once

#include "cl.hpp"

#include <cstddef>
#include <memory>

namespace strata_opencl {

class ClblastMatmul {
 public:
  // nullptr when libclblast.so.1 or its symbols cannot be found.
  static std::unique_ptr<ClblastMatmul> load();

  // out[M, N] = x[M, K] * w[N, K]^T, all f32; offsets in elements. Sgemv for M = 1, else Sgemm.
  void matmul(cl::CommandQueue& queue, const cl::Buffer& x, std::size_t x_offset, const cl::Buffer& w,
              std::size_t w_offset, const cl::Buffer& out, std::size_t out_offset, std::size_t m, std::size_t n,
              std::size_t k);
};

}  // namespace strata_opencl
