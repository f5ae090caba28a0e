// Records one validated op into a queue's open batch: the shader variant, its bindings, its push
// constants (structs that mirror the shaders' Params blocks field by field).
#pragma once

#include <strata/backend.h>

namespace strata_vulkan {

class Queue;

void encode_op(Queue& queue, const strata_op& op);

// One per family of ops, in elementwise_ops.cpp, row_ops.cpp, matmul_ops.cpp, attention_ops.cpp.
void encode_copy(Queue& queue, const strata_op& op);
void encode_binary(Queue& queue, const strata_op& op);  // ADD, MUL, SILU_MUL
void encode_unary(Queue& queue, const strata_op& op);   // SILU, GELU
void encode_rope(Queue& queue, const strata_op& op);
void encode_embedding(Queue& queue, const strata_op& op);
void encode_norm(Queue& queue, const strata_op& op);  // RMS_NORM, LAYER_NORM
void encode_softmax(Queue& queue, const strata_op& op);
void encode_matmul(Queue& queue, const strata_op& op);
void encode_attention(Queue& queue, const strata_op& op);

}  // namespace strata_vulkan
