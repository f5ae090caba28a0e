// ADD and MUL, with the second operand either full size or one row broadcast over all rows,
// stored in any float dtype.
#include <strata_plugin/dtype.hpp>
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <algorithm>
#include <vector>

namespace strata_cpu {
namespace {

struct Add {
  static float apply(float a, float b) { return a + b; }
};
struct Mul {
  static float apply(float a, float b) { return a * b; }
};

template <typename Fn>
void combine(const float* a, const float* b, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = Fn::apply(a[i], b[i]);
}

template <typename Fn>
void run(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& b_tensor = op.inputs[1];
  const std::int64_t n = strata_plugin::element_count(op.inputs[0]);
  const std::int64_t row = strata_plugin::row_length(op.inputs[0]);
  const float* a = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  const bool b_is_f32 = b_tensor.dtype == STRATA_DTYPE_F32;

  if (strata_plugin::element_count(b_tensor) != n) {
    // Broadcast: one row of b for every row of a, converted once.
    std::vector<float> converted;
    const float* b = as<float>(mem.in[1]);
    if (!b_is_f32) {
      converted.resize(static_cast<std::size_t>(row));
      to_f32(mem.in[1], b_tensor.dtype, converted.data(), converted.size());
      b = converted.data();
    }
    parallel_chunks(n / row, row, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t r = begin; r < end; ++r) combine<Fn>(a + r * row, b, out + r * row, row);
    });
    return;
  }
  parallel_chunks(n, 1, [&](std::int64_t begin, std::int64_t end) {
    if (b_is_f32) return combine<Fn>(a + begin, as<float>(mem.in[1]) + begin, out + begin, end - begin);
    constexpr std::int64_t block = 1024;
    float staging[block];
    const auto b_size = static_cast<std::int64_t>(strata_plugin::dtype_size(b_tensor.dtype));
    for (std::int64_t i = begin; i < end; i += block) {
      const std::int64_t count = std::min(block, end - i);
      to_f32(mem.in[1] + i * b_size, b_tensor.dtype, staging, static_cast<std::size_t>(count));
      combine<Fn>(a + i, staging, out + i, count);
    }
  });
}

}  // namespace

void run_binary(const strata_op& op, const OpMemory& mem) {
  if (op.kind == STRATA_OP_ADD)
    run<Add>(op, mem);
  else
    run<Mul>(op, mem);
}

}  // namespace strata_cpu
