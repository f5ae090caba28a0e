// The compiled shader variants (names as in CMakeLists.txt) and the interface they all share:
// one descriptor set of storage buffers and up to 128 bytes of push constants.
#pragma once

#include <strata/backend.h>

#include <cstdint>

namespace strata_vulkan {

enum class Shader : std::uint32_t {
  copy_convert,
  copy_words,
  binary,
  unary,
  norm,
  norm_sg,
  softmax,
  softmax_sg,
  rope,
  embedding,
  matvec_f32,
  matvec_f32_sg,
  matvec_f16,
  matvec_f16_sg,
  matvec_bf16,
  matvec_bf16_sg,
  matvec_rows_f32,  // 2 to 8 rows of x: a batched decode step
  matvec_rows_f32_sg,
  matvec_rows_f16,
  matvec_rows_f16_sg,
  matvec_rows_bf16,
  matvec_rows_bf16_sg,
  matmul_f32,
  matmul_f16,
  matmul_bf16,
  matmul_coopmat_f16,  // only where Device::cooperative_matrix()
  matmul_coopmat_bf16,
  attention,
  attention_sg,
  attention_combine,
  count
};

constexpr std::uint32_t shader_count = static_cast<std::uint32_t>(Shader::count);

const char* shader_name(Shader shader);

// Bindings 0-2 are inputs, 3 the output, 4 the queue's status flags (embedding).
constexpr std::uint32_t binding_count = 5;
constexpr std::uint32_t output_binding = 3;
constexpr std::uint32_t status_binding = 4;
constexpr std::uint32_t push_constant_bytes = 128;

// The variant of a shader that reduces with subgroup operations, when the device has them.
inline Shader with_subgroups(Shader plain, bool subgroups) {
  return subgroups ? static_cast<Shader>(static_cast<std::uint32_t>(plain) + 1) : plain;
}

}  // namespace strata_vulkan
