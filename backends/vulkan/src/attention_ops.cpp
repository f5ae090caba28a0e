// ATTENTION: one workgroup per (token, query head) over the whole cache (attention.comp) when
// there are enough of them to fill the device; otherwise (decode) the keys are split into chunks
// over more workgroups, and attention_combine.comp merges their partial softmax states.
#include "encode_op.hpp"
#include "queue.hpp"

#include <algorithm>
#include <cstdint>

namespace strata_vulkan {
namespace {

constexpr std::uint32_t key_block = 64;           // keys per step of attention.comp (its WG_SIZE)
constexpr std::uint64_t enough_workgroups = 256;  // about two per compute unit of a large GPU
constexpr std::uint32_t max_splits = 32;

struct AttentionParams {
  std::uint32_t tokens, q_heads, kv_heads, head_dim, n_past, causal, q_off, k_off, v_off, out_off, kv_dtype;
  float scale;
  std::uint32_t splits, chunk, vector_keys, window;
  float softcap;
};
struct CombineParams {
  std::uint32_t groups, head_dim, splits, partial_off, out_off;
};

std::uint32_t divide_up(std::uint64_t a, std::uint64_t b) { return static_cast<std::uint32_t>((a + b - 1) / b); }

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
  params.kv_dtype = static_cast<std::uint32_t>(k.dtype);
  params.scale = op.params.attention.scale;
  params.window = static_cast<std::uint32_t>(op.params.attention.window);  // op_support bounds it
  params.softcap = op.params.attention.softcap;

  const std::uint64_t groups = std::uint64_t{params.tokens} * params.q_heads;
  std::uint32_t keys = params.n_past + params.tokens;  // the most any query sees
  if (params.window != 0) keys = std::min(keys, params.window);
  std::uint32_t splits = 1;
  if (groups < enough_workgroups && keys > 2 * key_block) {
    const auto wanted = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, enough_workgroups / groups));
    splits = std::min({divide_up(keys, key_block), wanted, max_splits});
  }
  params.chunk = divide_up(divide_up(keys, splits), key_block) * key_block;
  params.splits = divide_up(keys, params.chunk);

  params.q_off = queue.bind(0, q, false);
  params.k_off = queue.bind(1, k, false);
  params.v_off = queue.bind(2, op.inputs[2], false);
  // 16-byte key loads need whole groups of 8 (f16) or 4 (f32) at aligned element offsets.
  const std::uint32_t group_of = k.dtype == STRATA_DTYPE_F16 ? 8 : 4;
  params.vector_keys = params.head_dim % group_of == 0 && params.k_off % group_of == 0 ? 1u : 0u;
  const Shader shader = with_subgroups(Shader::attention, queue.device().subgroups());
  if (params.splits == 1) {
    params.out_off = queue.bind(output_binding, op.output, true);
    queue.dispatch(shader, params, groups);
    return;
  }
  const std::uint64_t partial_bytes = groups * params.splits * (params.head_dim + 2) * sizeof(float);
  params.out_off = queue.bind_scratch(output_binding, partial_bytes, true);
  queue.dispatch(shader, params, groups * params.splits);

  CombineParams combine{};
  combine.groups = static_cast<std::uint32_t>(groups);
  combine.head_dim = params.head_dim;
  combine.splits = params.splits;
  combine.partial_off = queue.bind_scratch(0, partial_bytes, false);
  combine.out_off = queue.bind(output_binding, op.output, true);
  queue.dispatch(Shader::attention_combine, combine, groups);
}

}  // namespace strata_vulkan
