// ATTENTION: one workgroup per (token, query head), online softmax over the cache (attention.comp).
#include "encode_op.hpp"
#include "queue.hpp"

#include <cstdint>

namespace strata_vulkan {
namespace {

struct AttentionParams {
  std::uint32_t tokens, q_heads, kv_heads, head_dim, n_past, causal, q_off, k_off, v_off, out_off, kv_dtype;
  float scale;
};

}  // namespace

void encode_attention(Queue& queue, const strata_op& op) {
  const strata_tensor& q = op.inputs[0];
  const strata_tensor& k = op.inputs[1];
  AttentionParams params{};
  params.tokens = static_cast<std::uint32_t>(q.shape[0]);
  params.q_heads = static_cast<std::uint32_t>(q.shape[1]);
  params.kv_heads = static_cast<std::uint32_t>(k.shape[1]);
  params.head_dim = static_cast<std::uint32_t>(q.shape[2]);
  params.n_past = static_cast<std::uint32_t>(op.params.attention.n_past);
  params.causal = op.params.attention.causal != 0 ? 1u : 0u;
  params.q_off = queue.bind(0, q, false);
  params.k_off = queue.bind(1, k, false);
  params.v_off = queue.bind(2, op.inputs[2], false);
  params.out_off = queue.bind(output_binding, op.output, true);
  params.kv_dtype = static_cast<std::uint32_t>(k.dtype);
  params.scale = op.params.attention.scale;
  queue.dispatch(with_subgroups(Shader::attention, queue.device().subgroups()), params,
                 std::uint64_t{params.tokens} * params.q_heads);
}

}  // namespace strata_vulkan
