// COPY: dtype conversion between f32/f16/bf16, and plain copies (i32 -> i32 included).
#include <strata_plugin/dtype.hpp>
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <algorithm>
#include <cstring>

namespace strata_cpu {

void run_copy(const strata_op& op, const OpMemory& mem) {
  const strata_dtype from = op.inputs[0].dtype;
  const strata_dtype to = op.output.dtype;
  const std::int64_t n = strata_plugin::element_count(op.output);
  const std::size_t from_size = strata_plugin::dtype_size(from);
  const std::size_t to_size = strata_plugin::dtype_size(to);

  if (from == to) {
    if (mem.in[0] == mem.out) return;  // in place: nothing to move
    parallel_chunks(n, 1, [&](std::int64_t begin, std::int64_t end) {
      std::memcpy(mem.out + begin * to_size, mem.in[0] + begin * from_size,
                  static_cast<std::size_t>(end - begin) * to_size);
    });
    return;
  }
  // Between two half types the values pass through f32, which holds both exactly.
  parallel_chunks(n, 1, [&](std::int64_t begin, std::int64_t end) {
    constexpr std::int64_t block = 1024;
    float staging[block];
    for (std::int64_t i = begin; i < end; i += block) {
      const auto count = static_cast<std::size_t>(std::min(block, end - i));
      const std::byte* src = mem.in[0] + i * from_size;
      std::byte* dst = mem.out + i * to_size;
      if (from == STRATA_DTYPE_F32) {
        from_f32(as<float>(src), to, dst, count);
      } else if (to == STRATA_DTYPE_F32) {
        to_f32(src, from, as<float>(dst), count);
      } else {
        to_f32(src, from, staging, count);
        from_f32(staging, to, dst, count);
      }
    }
  });
}

}  // namespace strata_cpu
