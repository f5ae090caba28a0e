// One run_* per op family, each in its own source file. execute() has validated the op and
// resolved every tensor to host memory before calling them.
#pragma once

#include <strata/backend.h>

#include <array>
#include <cstddef>

namespace strata_cpu {

// Host addresses of an op's tensors, in the order of strata_op::inputs.
struct OpMemory {
  std::array<const std::byte*, STRATA_MAX_OP_INPUTS> in{};
  std::byte* out = nullptr;
};

template <typename T>
const T* as(const std::byte* p) {
  return reinterpret_cast<const T*>(p);
}
template <typename T>
T* as(std::byte* p) {
  return reinterpret_cast<T*>(p);
}

void run_copy(const strata_op& op, const OpMemory& mem);
void run_binary(const strata_op& op, const OpMemory& mem);      // ADD, MUL
void run_activation(const strata_op& op, const OpMemory& mem);  // SILU, GELU, SILU_MUL
void run_scaling(const strata_op& op, const OpMemory& mem);     // SCALE, SOFTCAP
void run_norm(const strata_op& op, const OpMemory& mem);        // RMS_NORM, LAYER_NORM
void run_rope(const strata_op& op, const OpMemory& mem);
void run_softmax(const strata_op& op, const OpMemory& mem);
void run_matmul(const strata_op& op, const OpMemory& mem);
void run_attention(const strata_op& op, const OpMemory& mem);
void run_embedding(const strata_op& op, const OpMemory& mem);

}  // namespace strata_cpu
