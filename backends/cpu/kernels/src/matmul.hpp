// The two ways MATMUL runs: a streaming kernel for few rows of x (decode), and tiled sgemm
// for many (prefill). Both compute out[M,N] = x[M,K] w[N,K]^T, without bias.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>

namespace strata_cpu {

struct MatmulShape {
  std::int64_t m = 0, n = 0, k = 0;
};

// From this many rows of x on, converting weights to f32 and calling sgemm beats streaming
// them through the dot kernel: the streaming kernel re-reads each weight row from cache once
// per group of four x rows, sgemm's packed micro-kernel reuses registers far better. The
// crossover is measured by BM_MatmulPath in backends/cpu/bench/kernels_bench.cpp.
inline constexpr std::int64_t gemm_min_rows = 16;

void matmul_streaming(const MatmulShape& shape, const float* x, const std::byte* w, strata_dtype w_dtype, float* out);
void matmul_gemm(const MatmulShape& shape, const float* x, const std::byte* w, strata_dtype w_dtype, float* out);

}  // namespace strata_cpu
