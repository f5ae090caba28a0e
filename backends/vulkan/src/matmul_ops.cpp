// MATMUL: a matrix-vector shader for one row of x (decode), its multi-row form for 2 to 8 rows (a
// batched decode step); for more rows, the cooperative-matrix shader where the queue may use it
// and the shapes allow, else the portable tiled shader.
#include "encode_op.hpp"
#include "queue.hpp"

#include <strata_plugin/host.hpp>

#include <algorithm>
#include <cstdint>

namespace strata_vulkan {
namespace {

// Mirrors of matvec.comp and matvec_rows.comp (ROWS, MAX_X_ROWS), matmul_tiled.comp (BM, BN) and
// matmul_coopmat.comp (TM, TN).
constexpr std::uint32_t matvec_rows = 2;
constexpr std::uint32_t matvec_max_x_rows = 8;
// Up to this many rows of x go through matvec_rows.comp, 8 rows per dispatch (the weights read
// once per dispatch); more go to the tiled shaders. On lavapipe (strata_matmul_rows_bench, an
// 8192x2048 f16 matrix) 16 rows took 136 ms this way and 17 rows 722 ms tiled.
constexpr std::uint32_t matvec_rows_limit = 16;
constexpr std::uint32_t tile_m = 64;
constexpr std::uint32_t tile_n = 64;
constexpr std::uint32_t coopmat_tile_m = 64;
constexpr std::uint32_t coopmat_tile_n = 64;

struct MatvecParams {
  std::uint32_t k, n, x_off, w_off, b_off, out_off, has_bias, b_dtype, vectorized;
};
struct MatvecRowsParams {
  MatvecParams one;
  std::uint32_t m;
};
struct MatmulParams {
  std::uint32_t m, n, k, x_off, w_off, b_off, out_off, has_bias, b_dtype;
};

Shader matvec_shader(strata_dtype weight, bool subgroups, bool several_rows) {
  switch (weight) {
    case STRATA_DTYPE_F32:
      return with_subgroups(several_rows ? Shader::matvec_rows_f32 : Shader::matvec_f32, subgroups);
    case STRATA_DTYPE_F16:
      return with_subgroups(several_rows ? Shader::matvec_rows_f16 : Shader::matvec_f16, subgroups);
    case STRATA_DTYPE_BF16:
      return with_subgroups(several_rows ? Shader::matvec_rows_bf16 : Shader::matvec_bf16, subgroups);
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

// 16-byte loads need whole 8-element groups at 16-byte aligned element offsets.
std::uint32_t vectorized(strata_dtype weight, std::uint32_t k, std::uint32_t x_off, std::uint32_t w_off) {
  const std::uint32_t w_align = weight == STRATA_DTYPE_F32 ? 4 : 8;
  return (k % 8 == 0 && x_off % 4 == 0 && w_off % w_align == 0) ? 1u : 0u;
}

// Rows [first, first + count) of a [M, width] f32 tensor.
strata_tensor rows_of(const strata_tensor& whole, std::uint32_t first, std::uint32_t count) {
  strata_tensor part = whole;
  part.offset += static_cast<std::uint64_t>(first) * static_cast<std::uint64_t>(whole.shape[1]) * sizeof(float);
  part.shape[0] = count;
  return part;
}

// Binds x (or some of its rows), the weights, the bias if any and the output (the same rows), and
// gives the offsets as the matrix-vector shaders take them. A dispatch consumes the queue's
// bindings, so every dispatch binds anew.
MatvecParams bind_operands(Queue& queue, const strata_op& op, const strata_tensor& x, const strata_tensor& out) {
  const strata_tensor& w = op.inputs[1];
  MatvecParams params{};
  params.k = static_cast<std::uint32_t>(x.shape[1]);
  params.n = static_cast<std::uint32_t>(w.shape[0]);
  params.x_off = queue.bind(0, x, false);
  params.w_off = queue.bind(1, w, false);
  if (op.n_inputs == 3) {
    params.b_off = queue.bind(2, op.inputs[2], false);
    params.b_dtype = static_cast<std::uint32_t>(op.inputs[2].dtype);
    params.has_bias = 1;
  }
  params.out_off = queue.bind(output_binding, out, true);
  params.vectorized = vectorized(w.dtype, params.k, params.x_off, params.w_off);
  return params;
}

// 2 to matvec_rows_limit rows of x: one dispatch of matvec_rows.comp per matvec_max_x_rows rows.
void encode_matvec_rows(Queue& queue, const strata_op& op) {
  const auto m = static_cast<std::uint32_t>(op.inputs[0].shape[0]);
  const auto n = static_cast<std::uint32_t>(op.inputs[1].shape[0]);
  const Shader shader = matvec_shader(op.inputs[1].dtype, queue.device().subgroups(), true);
  for (std::uint32_t first = 0; first < m; first += matvec_max_x_rows) {
    const std::uint32_t count = std::min(matvec_max_x_rows, m - first);
    const MatvecParams rows =
        bind_operands(queue, op, rows_of(op.inputs[0], first, count), rows_of(op.output, first, count));
    queue.dispatch(shader, MatvecRowsParams{rows, count}, (n + matvec_rows - 1) / matvec_rows);
  }
}

}  // namespace

void encode_matmul(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  const strata_tensor& w = op.inputs[1];
  const auto m = static_cast<std::uint32_t>(x.shape[0]);
  const auto k = static_cast<std::uint32_t>(x.shape[1]);
  const auto n = static_cast<std::uint32_t>(w.shape[0]);
  if (m > 1 && m <= matvec_rows_limit) {
    encode_matvec_rows(queue, op);
    return;
  }
  const MatvecParams bound = bind_operands(queue, op, x, op.output);
  if (m == 1) {
    queue.dispatch(matvec_shader(w.dtype, queue.device().subgroups(), false), bound,
                   (n + matvec_rows - 1) / matvec_rows);
    return;
  }
  MatmulParams params{m, n, k, bound.x_off, bound.w_off, bound.b_off, bound.out_off, bound.has_bias, bound.b_dtype};
  if (coopmat_fits(queue, w.dtype, k, bound.x_off, bound.w_off)) {
    const Shader shader = w.dtype == STRATA_DTYPE_F16 ? Shader::matmul_coopmat_f16 : Shader::matmul_coopmat_bf16;
    queue.dispatch_grid(shader, params, (n + coopmat_tile_n - 1) / coopmat_tile_n,
                        (m + coopmat_tile_m - 1) / coopmat_tile_m);
    return;
  }
  queue.dispatch_grid(matmul_shader(w.dtype), params, (n + tile_n - 1) / tile_n, (m + tile_m - 1) / tile_m);
}

}  // namespace strata_vulkan
