// COPY, ADD/MUL/SILU_MUL, SILU/GELU/SCALE/SOFTCAP, ROPE and EMBEDDING: one invocation per element
// (or word).
#include "buffer.hpp"
#include "encode_op.hpp"
#include "queue.hpp"

#include <strata_plugin/op_check.hpp>

#include <cstdint>

namespace strata_vulkan {
namespace {

constexpr std::uint64_t elementwise_group = 256;  // local_size_x of these shaders

std::uint64_t groups_for(std::uint64_t invocations) {
  return (invocations + elementwise_group - 1) / elementwise_group;
}

std::uint32_t u32(std::int64_t value) { return static_cast<std::uint32_t>(value); }

bool overlap(const strata_tensor& a, const strata_tensor& b) {
  return a.buffer == b.buffer && a.offset < b.offset + strata_plugin::byte_size(b) &&
         b.offset < a.offset + strata_plugin::byte_size(a);
}

struct CopyParams {
  std::uint32_t n, in_off, out_off, in_dtype, out_dtype;
};
struct BinaryParams {
  std::uint32_t n, b_n, a_off, b_off, out_off, b_dtype, op;
};
struct UnaryParams {
  std::uint32_t n, in_off, out_off, op;
  float value;
};
struct RopeParams {
  std::uint32_t tokens, heads, head_dim, rotary_dim, x_off, pos_off, out_off;
  float theta;
  std::uint32_t inv_freq_off, has_inv_freq;
};

// unary.comp's op codes.
std::uint32_t unary_code(const strata_op& op) {
  switch (op.kind) {
    case STRATA_OP_SILU:
      return 0;
    case STRATA_OP_GELU:
      return op.params.gelu.approximate != 0 ? 2 : 1;
    case STRATA_OP_SCALE:
      return 3;
    default:  // SOFTCAP
      return 4;
  }
}
struct EmbeddingParams {
  std::uint32_t tokens, dim, vocab, table_off, ids_off, out_off, table_dtype;
};

}  // namespace

void encode_copy(Queue& queue, const strata_op& op) {
  const strata_tensor& in = op.inputs[0];
  const strata_tensor& out = op.output;
  if (in.dtype == out.dtype) {
    if (in.buffer == out.buffer && in.offset == out.offset) return;  // in place: nothing moves
    queue.copy(*from_handle(in.buffer), in.offset, *from_handle(out.buffer), out.offset, strata_plugin::byte_size(in));
    return;
  }
  CopyParams params{};
  params.n = u32(strata_plugin::element_count(in));
  // A conversion in place would race (elements change size): convert from a copy instead.
  params.in_off = overlap(in, out) ? queue.bind_scratch_copy(0, in) : queue.bind(0, in, false);
  params.out_off = queue.bind(output_binding, out, true);
  params.in_dtype = static_cast<std::uint32_t>(in.dtype);
  params.out_dtype = static_cast<std::uint32_t>(out.dtype);
  std::uint64_t invocations = params.n;
  if (out.dtype != STRATA_DTYPE_F32) {  // one invocation per 32-bit word of the 16-bit output
    invocations = ((std::uint64_t{params.out_off} + params.n - 1) >> 1) - (params.out_off >> 1) + 1;
  }
  queue.dispatch(Shader::copy_convert, params, groups_for(invocations));
}

void encode_binary(Queue& queue, const strata_op& op) {
  BinaryParams params{};
  params.n = u32(strata_plugin::element_count(op.inputs[0]));
  params.b_n = u32(strata_plugin::element_count(op.inputs[1]));
  params.a_off = queue.bind(0, op.inputs[0], false);
  params.b_off = queue.bind(1, op.inputs[1], false);
  params.out_off = queue.bind(output_binding, op.output, true);
  params.b_dtype = static_cast<std::uint32_t>(op.inputs[1].dtype);
  params.op = op.kind == STRATA_OP_ADD ? 0u : op.kind == STRATA_OP_MUL ? 1u : 2u;
  queue.dispatch(Shader::binary, params, groups_for(params.n));
}

void encode_unary(Queue& queue, const strata_op& op) {
  UnaryParams params{};
  params.n = u32(strata_plugin::element_count(op.inputs[0]));
  params.in_off = queue.bind(0, op.inputs[0], false);
  params.out_off = queue.bind(output_binding, op.output, true);
  params.op = unary_code(op);
  params.value = op.kind == STRATA_OP_SCALE     ? op.params.scale.factor
                 : op.kind == STRATA_OP_SOFTCAP ? op.params.softcap.cap
                                                : 0.0f;
  queue.dispatch(Shader::unary, params, groups_for(params.n));
}

void encode_rope(Queue& queue, const strata_op& op) {
  const strata_tensor& x = op.inputs[0];
  RopeParams params{};
  params.tokens = u32(x.shape[0]);
  params.heads = u32(x.shape[1]);
  params.head_dim = u32(x.shape[2]);
  params.rotary_dim = static_cast<std::uint32_t>(op.params.rope.rotary_dim);
  params.x_off = queue.bind(0, x, false);
  params.pos_off = queue.bind(1, op.inputs[1], false);
  if (op.n_inputs == 3) {
    params.inv_freq_off = queue.bind(2, op.inputs[2], false);
    params.has_inv_freq = 1;
  }
  params.out_off = queue.bind(output_binding, op.output, true);
  params.theta = op.params.rope.theta;
  const std::uint64_t per_head = params.head_dim - params.rotary_dim / 2;
  queue.dispatch(Shader::rope, params, groups_for(std::uint64_t{params.tokens} * params.heads * per_head));
}

void encode_embedding(Queue& queue, const strata_op& op) {
  const strata_tensor& table = op.inputs[0];
  EmbeddingParams params{};
  params.tokens = u32(strata_plugin::element_count(op.inputs[1]));
  params.dim = u32(table.shape[1]);
  params.vocab = u32(table.shape[0]);
  params.table_off = queue.bind(0, table, false);
  params.ids_off = queue.bind(1, op.inputs[1], false);
  params.out_off = queue.bind(output_binding, op.output, true);
  queue.bind_status(status_binding);
  params.table_dtype = static_cast<std::uint32_t>(table.dtype);
  queue.dispatch(Shader::embedding, params, groups_for(std::uint64_t{params.tokens} * params.dim));
}

}  // namespace strata_vulkan
