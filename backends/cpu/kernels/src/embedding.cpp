// EMBEDDING: gathers table rows by id, converting to f32. Every id is checked before anything
// is written, so a bad id fails the op with the output untouched.
#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

namespace strata_cpu {

void run_embedding(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& table = op.inputs[0];
  const std::int64_t vocab = table.shape[0];
  const std::int64_t dim = table.shape[1];
  const std::int64_t tokens = strata_plugin::element_count(op.inputs[1]);
  const std::int32_t* ids = as<std::int32_t>(mem.in[1]);
  for (std::int64_t t = 0; t < tokens; ++t)
    if (ids[t] < 0 || ids[t] >= vocab)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "embedding: id {} at position {} is outside [0, {})", ids[t],
                          t, vocab);

  const auto row_bytes = dim * static_cast<std::int64_t>(strata_plugin::dtype_size(table.dtype));
  float* out = as<float>(mem.out);
  parallel_chunks(tokens, dim, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t)
      to_f32(mem.in[0] + ids[t] * row_bytes, table.dtype, out + t * dim, static_cast<std::size_t>(dim));
  });
}

}  // namespace strata_cpu
