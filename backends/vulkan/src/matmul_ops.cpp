// MATMUL: a matrix-vector shader for one row of x (decode); for more rows, the cooperative-matrix
// shader where the queue may use it and the shapes allow, else the portable tiled shader.
#include "encode_op.hpp"
#include "queue.hpp"

#include <strata_plugin/host.hpp>

#include <cstdint>

namespace strata_vulkan {
namespace {

// Mirrors of matvec.comp (ROWS), matmul_tiled.comp (BM, BN) and matmul_coopmat.comp (TM, TN).
constexpr std::uint32_t matvec_rows = 2;
constexpr std::uint32_t tile_m = 64;
constexpr std::uint32_t tile_n = 64;
constexpr std::uint32_t coopmat_tile_m = 64;
constexpr std::uint32_t coopmat_tile_n = 64;

struct MatvecParams {
  std::uint32_t k, n, x_off, w_off, b_off, out_off, has_bias, b_dtype, vectorized;
};
struct MatmulParams {
  std::uint32_t m, n, k, x_off, w_off, b_off, out_off, has_bias, b_dtype;
};

Shader matvec_shader(strata_dtype weight, bool subgroups) {
  switch (weight) {
    case STRATA_DTYPE_F32:
      return with_subgroups(Shader::matvec_f32, subgroups);
    case STRATA_DTYPE_F16:
      return with_subgroups(Shader::matvec_f16, subgroups);
    case STRATA_DTYPE_BF16:
      return with_subgroups(Shader::matvec_bf16, subgroups);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan: matmul weight dtype {}", weight);
  }
}

Shader matmul_shader(strata_dtype weight) {
  switch (weight) {
    case STRATA_DTYPE_F32:
      return Shader::matmul_f32;
    case STRATA_DTYPE_F16:
      return Shader::matmul_f16;
    case STRATA_DTYPE_BF16:
      return Shader::matmul_bf16;
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan: matmul weight dtype {}", weight);
  }
}

// The coopmat shader reads x and w in groups of 8 elements with 16-byte loads.
bool coopmat_fits(const Queue& queue, strata_dtype weight, std::uint32_t k, std::uint32_t x_off, std::uint32_t w_off) {
  return queue.coopmat_matmul() && (weight == STRATA_DTYPE_F16 || weight == STRATA_DTYPE_BF16) && k % 8 == 0 &&
         x_off % 4 == 0 && w_off % 8 == 0;
}

}  // namespace

void encode_matmul(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const strata_tensor& w = op.inputs[1];
  const auto m = static_cast<std::uint32_t>(x.shape[0]);
  const auto k = static_cast<std::uint32_t>(x.shape[1]);
  const auto n = static_cast<std::uint32_t>(w.shape[0]);
  const std::uint32_t x_off = queue.bind(0, x, false);
  const std::uint32_t w_off = queue.bind(1, w, false);
  std::uint32_t b_off = 0;
  std::uint32_t b_dtype = 0;
  std::uint32_t has_bias = 0;
  if (op.n_inputs == 3) {
    b_off = queue.bind(2, op.inputs[2], false);
    b_dtype = static_cast<std::uint32_t>(op.inputs[2].dtype);
    has_bias = 1;
  }
  const std::uint32_t out_off = queue.bind(output_binding, op.output, true);

  if (m == 1) {
    MatvecParams params{k, n, x_off, w_off, b_off, out_off, has_bias, b_dtype, 0};
    // 16-byte loads need whole 8-element groups at 16-byte aligned element offsets.
    const std::uint32_t w_align = w.dtype == STRATA_DTYPE_F32 ? 4 : 8;
    params.vectorized = (k % 8 == 0 && x_off % 4 == 0 && w_off % w_align == 0) ? 1u : 0u;
    queue.dispatch(matvec_shader(w.dtype, queue.device().subgroups()), params, (n + matvec_rows - 1) / matvec_rows);
    return;
  }
  MatmulParams params{m, n, k, x_off, w_off, b_off, out_off, has_bias, b_dtype};
  if (coopmat_fits(queue, w.dtype, k, x_off, w_off)) {
    const Shader shader = w.dtype == STRATA_DTYPE_F16 ? Shader::matmul_coopmat_f16 : Shader::matmul_coopmat_bf16;
    queue.dispatch_grid(shader, params, (n + coopmat_tile_n - 1) / coopmat_tile_n,
                        (m + coopmat_tile_m - 1) / coopmat_tile_m);
    return;
  }
  queue.dispatch_grid(matmul_shader(w.dtype), params, (n + tile_n - 1) / tile_n, (m + tile_m - 1) / tile_m);
}

}  // namespace strata_vulkan
