// MATMUL for many rows of x (prefill): tiles of out computed by single-threaded cblas_sgemm,
// the tiles spread over TBB. f16/bf16 weights are converted to f32 one tile of weight rows at
// a time (conversion costs O(N K), the product O(M N K), so it vanishes as M grows).
//
// OpenBLAS threading and TBB: OpenBLAS is set to one thread (openblas_set_num_threads(1),
// once per process) and all parallelism comes from TBB splitting the GEMM into tiles. Why:
//  - One thread pool for the process. OpenBLAS's own pool would start one thread per core
//    next to TBB's workers; after each call its threads spin-wait for more work, stealing
//    the cores from the TBB kernels that run next (norms, attention).
//  - Nested parallelism: a multi-threaded sgemm called from inside a TBB task (as here, and
//    whenever two queues run ops from two threads) would fork cores x cores threads.
//  - Fairness: concurrent queues share TBB's arena instead of each launching an all-core BLAS.
// The setting is process-wide: a host program that uses OpenBLAS itself gets one thread too
// (OPENBLAS_NUM_THREADS would be overridden). The cost is OpenBLAS's packing per tile, small
// for tiles of at least 64 x 32 (see the tile sizes below).
#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>

#include "matmul.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <cblas.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <vector>

namespace strata_cpu {
namespace {

void use_single_threaded_openblas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A thread's f32 copy of one block of weight rows, kept while its tiles share the block.
struct ConvertedBlock {
  std::vector<float> values;
  std::int64_t block = -1;
};

}  // namespace

void matmul_gemm(const MatmulShape& shape, const float* x, const std::byte* w, strata_dtype w_dtype, float* out) {
  use_single_threaded_openblas();
  if (shape.m > INT_MAX || shape.n > INT_MAX || shape.k > INT_MAX)
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "matmul: dimensions beyond {} are not supported by BLAS", INT_MAX);

  // Tiles: up to 256 rows of x; weight blocks from 256 rows down to 32 until there are about
  // four tiles per worker, and small enough that a converted block stays within 4 MiB.
  const std::int64_t threads = tbb::this_task_arena::max_concurrency();
  const std::int64_t m_block = std::min<std::int64_t>(shape.m, 256);
  const std::int64_t tiles_m = ceil_div(shape.m, m_block);
  std::int64_t n_block = 256;
  while (n_block > 32 && tiles_m * ceil_div(shape.n, n_block) < 4 * threads) n_block /= 2;
  if (w_dtype != STRATA_DTYPE_F32) n_block = std::clamp<std::int64_t>((1 << 20) / shape.k, 16, n_block);
  n_block = std::min(n_block, shape.n);
  const std::int64_t tiles_n = ceil_div(shape.n, n_block);

  const std::size_t row_bytes = static_cast<std::size_t>(shape.k) * strata_plugin::dtype_size(w_dtype);
  const int k = static_cast<int>(shape.k);
  const int ldo = static_cast<int>(shape.n);
  tbb::enumerable_thread_specific<ConvertedBlock> converted;

  // Tile index = block of weight rows (outer) x block of x rows (inner), so consecutive tiles
  // of one task reuse the converted weight block.
  parallel_for_ordered(
      tbb::blocked_range<std::int64_t>(0, tiles_m * tiles_n), [&](const tbb::blocked_range<std::int64_t>& r) {
        for (std::int64_t tile = r.begin(); tile != r.end(); ++tile) {
          const std::int64_t tn = tile / tiles_m;
          const std::int64_t tm = tile % tiles_m;
          const std::int64_t n0 = tn * n_block;
          const std::int64_t m0 = tm * m_block;
          const std::int64_t nc = std::min(n_block, shape.n - n0);
          const std::int64_t mc = std::min(m_block, shape.m - m0);
          const std::byte* w_block = w + static_cast<std::size_t>(n0) * row_bytes;
          const float* b = reinterpret_cast<const float*>(w_block);
          if (w_dtype != STRATA_DTYPE_F32) {
            ConvertedBlock& local = converted.local();
            if (local.block != tn) {
              local.values.resize(static_cast<std::size_t>(nc * shape.k));
              to_f32(w_block, w_dtype, local.values.data(), local.values.size());
              local.block = tn;
            }
            b = local.values.data();
          }
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(mc), static_cast<int>(nc), k, 1.0f,
                      x + m0 * shape.k, k, b, k, 0.0f, out + m0 * shape.n + n0, ldo);
        }
      });
}

}  // namespace strata_cpu
