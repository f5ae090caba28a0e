// The kernel objects of one queue. cl::Kernel holds argument state, so two threads may not
// share one: each queue (used by one thread at a time) makes its own from the device's program.
#pragma once

#include "cl.hpp"

#include <strata/backend.h>

#include <array>

namespace strata_opencl {

struct Kernels {
  explicit Kernels(const cl::Program& program)
      : convert_copy(program, "convert_copy"),
        binary_op(program, "binary_op"),
        unary_op(program, "unary_op"),
        scalar_op(program, "scalar_op"),
        silu_mul(program, "silu_mul"),
        rms_norm(program, "rms_norm"),
        layer_norm(program, "layer_norm"),
        rope(program, "rope"),
        softmax(program, "softmax"),
        embedding(program, "embedding"),
        attention(program, "attention"),
        gemv{cl::Kernel(program, "gemv_f32"), cl::Kernel(program, "gemv_f16"), cl::Kernel(program, "gemv_bf16")},
        gemm{cl::Kernel(program, "gemm_f32"), cl::Kernel(program, "gemm_f16"), cl::Kernel(program, "gemm_bf16")} {}

  cl::Kernel convert_copy;
  cl::Kernel binary_op;
  cl::Kernel unary_op;
  cl::Kernel scalar_op;  // SCALE, SOFTCAP
  cl::Kernel silu_mul;
  cl::Kernel rms_norm;
  cl::Kernel layer_norm;
  cl::Kernel rope;
  cl::Kernel softmax;
  cl::Kernel embedding;
  cl::Kernel attention;
  std::array<cl::Kernel, 3> gemv;  // by weight dtype: f32, f16, bf16 (the order of strata_dtype)
  std::array<cl::Kernel, 3> gemm;
};

// Sets a kernel's arguments in order.
template <typename... Args>
void set_args(cl::Kernel& kernel, const Args&... args) {
  cl_uint index = 0;
  (kernel.setArg(index++, args), ...);
}

}  // namespace strata_opencl
