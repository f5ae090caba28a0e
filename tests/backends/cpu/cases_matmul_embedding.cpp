// MATMUL (every weight and bias dtype; few rows for the streaming kernel, many for tiled
// sgemm) and EMBEDDING (every table dtype, repeated ids).
#include "op_case.hpp"

namespace strata_test {
namespace {

const strata_dtype float_dtypes[] = {STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16};

}  // namespace

std::vector<OpCase> matmul_cases() {
  struct Shape {
    std::int64_t m, k, n;
  };
  // M < 16 runs the streaming kernel, M >= 16 tiled sgemm (several tiles for 300 x 70).
  const Shape shapes[] = {{1, 1, 1},   {1, 17, 3},   {1, 257, 65},  {3, 65, 17}, {4, 257, 33}, {5, 17, 65},
                          {15, 9, 16}, {17, 65, 17}, {33, 257, 65}, {64, 1, 5},  {300, 65, 70}};
  std::vector<OpCase> cases;
  Random random(17);
  int variant = 0;
  for (const Shape& s : shapes) {
    const HostTensor x = make_tensor(STRATA_DTYPE_F32, {s.m, s.k}, random.uniform(s.m * s.k, -1, 1));
    for (strata_dtype w_dtype : float_dtypes) {
      const HostTensor w = make_tensor(w_dtype, {s.n, s.k}, random.uniform(s.n * s.k, -1, 1));
      const std::string name = "matmul_" + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n) +
                               "_w_" + dtype_text(w_dtype);
      cases.push_back(make_case(name, STRATA_OP_MATMUL, {x, w}, STRATA_DTYPE_F32, {s.m, s.n},
                                strata_reference::matmul(values_of(x), values_of(w), {}, s.m, s.n, s.k)));
      // With a bias, its dtype rotating through all three.
      const strata_dtype b_dtype = float_dtypes[variant++ % 3];
      const HostTensor b = make_tensor(b_dtype, {s.n}, random.uniform(s.n, -1, 1));
      cases.push_back(make_case(name + "_bias_" + dtype_text(b_dtype), STRATA_OP_MATMUL, {x, w, b}, STRATA_DTYPE_F32,
                                {s.m, s.n},
                                strata_reference::matmul(values_of(x), values_of(w), values_of(b), s.m, s.n, s.k)));
    }
  }
  return cases;
}

std::vector<OpCase> embedding_cases() {
  struct Shape {
    std::int64_t vocab, dim;
    Values ids;
  };
  const Shape shapes[] = {{1, 1, {0}}, {65, 17, {0, 64, 3, 3, 17, 64, 0, 1, 30}}, {300, 257, {299, 5, 150}}};
  std::vector<OpCase> cases;
  Random random(19);
  for (const Shape& s : shapes) {
    for (strata_dtype dtype : float_dtypes) {
      const HostTensor table = make_tensor(dtype, {s.vocab, s.dim}, random.uniform(s.vocab * s.dim, -2, 2));
      const auto tokens = static_cast<std::int64_t>(s.ids.size());
      const HostTensor ids = make_tensor(STRATA_DTYPE_I32, {tokens}, s.ids);
      cases.push_back(
          make_case("embedding_" + std::to_string(s.vocab) + "x" + std::to_string(s.dim) + "_" + dtype_text(dtype),
                    STRATA_OP_EMBEDDING, {table, ids}, STRATA_DTYPE_F32, {tokens, s.dim},
                    strata_reference::embedding(values_of(table), s.dim, s.ids)));
    }
  }
  return cases;
}

}  // namespace strata_test
