// MATMUL: the matrix-vector kernel (M = 1) with aligned and unaligned weights, the tiled
// kernel (M > 1) across tile edges, every weight dtype, with and without bias.
#include "opencl_fixture.hpp"

#include <strata_reference/ops.hpp>

namespace opencl_test {
namespace {

using strata::DType;
namespace ref = strata_reference;

void check_matmul(const OpenCLTest& test, std::mt19937& rng, std::int64_t m, std::int64_t k, std::int64_t n,
                  DType w_type, bool with_bias, std::uint64_t margin) {
  OpCase c;
  c.name = "matmul M=" + std::to_string(m) + " K=" + std::to_string(k) + " N=" + std::to_string(n) + " " +
           std::string(strata::to_string(w_type)) + (with_bias ? " bias" : "") + " margin " + std::to_string(margin);
  c.inputs = {random_tensor(DType::f32, {m, k}, rng), random_tensor(w_type, {n, k}, rng)};
  if (with_bias) c.inputs.push_back(random_tensor(w_type, {n}, rng));
  c.out_shape = {m, n};
  c.margin = margin;
  c.make = [with_bias](const auto& in, const auto& out) {
    return strata::ops::matmul(in[0], in[1], with_bias ? std::optional(in[2]) : std::nullopt, out);
  };
  const auto bias = with_bias ? c.inputs[2].values() : std::vector<double>{};
  const auto want = ref::matmul(c.inputs[0].values(), c.inputs[1].values(), bias, m, n, k).value;
  test.check(c, want, 2e-5);
}

TEST_F(OpenCLTest, MatrixVectorForEveryWeightDtype) {
  std::mt19937 rng(21);
  for (DType w_type : {DType::f32, DType::f16, DType::bf16}) {
    // 32-byte margins keep the weights 8-element aligned (the vector path); 12-byte margins
    // do not (the scalar path). K = 1000 has a tail past the last 8-wide step of a group.
    check_matmul(*this, rng, 1, 1000, 37, w_type, true, 32);
    check_matmul(*this, rng, 1, 1000, 37, w_type, false, 12);
    check_matmul(*this, rng, 1, 67, 5, w_type, true, 32);
    check_matmul(*this, rng, 1, 16, 1, w_type, true, 32);  // one output row: a half-empty work-group
  }
}

TEST_F(OpenCLTest, TiledMatmulAcrossTileEdges) {
  std::mt19937 rng(22);
  check_matmul(*this, rng, 70, 33, 65, DType::f32, true, 12);
  check_matmul(*this, rng, 2, 40, 3, DType::f16, false, 12);
  check_matmul(*this, rng, 17, 129, 66, DType::bf16, true, 32);
}

}  // namespace
}  // namespace opencl_test
