// RMS_NORM, LAYER_NORM and SOFTMAX: one workgroup per row, reductions in reduce.glsl.
#include "encode_op.hpp"
#include "queue.hpp"

#include <strata_plugin/op_check.hpp>

#include <cstdint>

namespace strata_vulkan {
namespace {

struct NormParams {
  std::uint32_t rows, n, x_off, w_off, b_off, out_off, w_dtype, b_dtype, has_bias, mode;
  float eps, weight_offset;
};
struct SoftmaxParams {
  std::uint32_t rows, n, in_off, out_off;
  float scale;
};

}  // namespace

void encode_norm(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  NormParams params{};
  params.rows = static_cast<std::uint32_t>(strata_plugin::row_count(x));
  params.n = static_cast<std::uint32_t>(strata_plugin::row_length(x));
  params.x_off = queue.bind(0, x, false);
  params.w_off = queue.bind(1, op.inputs[1], false);
  params.w_dtype = static_cast<std::uint32_t>(op.inputs[1].dtype);
  if (op.n_inputs == 3) {
    params.b_off = queue.bind(2, op.inputs[2], false);
    params.b_dtype = static_cast<std::uint32_t>(op.inputs[2].dtype);
    params.has_bias = 1;
  }
  params.out_off = queue.bind(output_binding, op.output, true);
  params.mode = op.kind == STRATA_OP_LAYER_NORM ? 1u : 0u;
  params.eps = op.params.norm.eps;
  params.weight_offset = op.params.norm.weight_offset;
  queue.dispatch(with_subgroups(Shader::norm, queue.device().subgroups()), params, params.rows);
}

void encode_softmax(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  SoftmaxParams params{};
  params.rows = static_cast<std::uint32_t>(strata_plugin::row_count(x));
  params.n = static_cast<std::uint32_t>(strata_plugin::row_length(x));
  params.in_off = queue.bind(0, x, false);
  params.out_off = queue.bind(output_binding, op.output, true);
  params.scale = op.params.softmax.scale;
  queue.dispatch(with_subgroups(Shader::softmax, queue.device().subgroups()), params, params.rows);
}

}  // namespace strata_vulkan
