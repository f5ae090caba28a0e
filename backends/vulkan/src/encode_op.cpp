#include "encode_op.hpp"

#include <strata_plugin/host.hpp>

namespace strata_vulkan {

void encode_op(Queue& queue, const strata_op& op) {
  switch (op.kind) {
    case STRATA_OP_COPY:
      return encode_copy(queue, op);
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
    case STRATA_OP_SILU_MUL:
      return encode_binary(queue, op);
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
    case STRATA_OP_SCALE:
    case STRATA_OP_SOFTCAP:
      return encode_unary(queue, op);
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      return encode_norm(queue, op);
    case STRATA_OP_ROPE:
      return encode_rope(queue, op);
    case STRATA_OP_SOFTMAX:
      return encode_softmax(queue, op);
    case STRATA_OP_MATMUL:
      return encode_matmul(queue, op);
    case STRATA_OP_ATTENTION:
      return encode_attention(queue, op);
    case STRATA_OP_EMBEDDING:
      return encode_embedding(queue, op);
    default:
      strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "vulkan: op kind {} is not implemented", op.kind);
  }
}

}  // namespace strata_vulkan
