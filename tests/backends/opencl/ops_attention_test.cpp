// ATTENTION: grouped-query heads, f32 and f16 caches, causal and not, a context longer than
// one key chunk, several new tokens after n_past, and cache rows past the live ones.
#include "opencl_fixture.hpp"

#include <strata_reference/ops.hpp>

#include <cmath>

namespace opencl_test {
namespace {

using strata::DType;

struct AttentionShape {
  std::int64_t tokens, heads, kv_heads, dim, cache, n_past;
  bool causal;
};

void check_attention(const OpenCLTest& test, std::mt19937& rng, const AttentionShape& s, DType kv_type,
                     std::uint64_t margin = 12) {
  OpCase c;
  c.margin = margin;
  c.name = "attention margin " + std::to_string(margin) + " T=" + std::to_string(s.tokens) +
           " H=" + std::to_string(s.heads) + "/" + std::to_string(s.kv_heads) + " D=" + std::to_string(s.dim) +
           " n_past=" + std::to_string(s.n_past) + (s.causal ? " causal " : " ") +
           std::string(strata::to_string(kv_type));
  c.inputs = {random_tensor(DType::f32, {s.tokens, s.heads, s.dim}, rng),
              random_tensor(kv_type, {s.cache, s.kv_heads, s.dim}, rng),
              random_tensor(kv_type, {s.cache, s.kv_heads, s.dim}, rng)};
  c.out_shape = {s.tokens, s.heads, s.dim};
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.dim));
  c.make = [s, scale](const auto& in, const auto& out) {
    return strata::ops::attention(in[0], in[1], in[2], out, s.n_past, scale, s.causal);
  };
  const strata_reference::AttentionShape shape{s.tokens, s.heads, s.kv_heads, s.dim, s.n_past, scale, s.causal, 0, 0};
  const auto want =
      strata_reference::attention(c.inputs[0].values(), c.inputs[1].values(), c.inputs[2].values(), shape).value;
  test.check(c, want, 1e-5);
}

TEST_F(OpenCLTest, AttentionDecodeOverALongContext) {
  std::mt19937 rng(31);
  // 32-byte margins keep the cache rows 8-element aligned (the vector path), 12 do not.
  for (DType kv : {DType::f32, DType::f16})
    for (std::uint64_t margin : {32u, 12u}) check_attention(*this, rng, {1, 8, 2, 24, 200, 150, true}, kv, margin);
}

TEST_F(OpenCLTest, AttentionWithHeadDimAboveTheWorkGroup) {
  // head_dim 80 > the 64 work-items of a group: each work-item accumulates several features.
  std::mt19937 rng(33);
  for (DType kv : {DType::f32, DType::f16}) check_attention(*this, rng, {2, 4, 2, 80, 70, 66, true}, kv, 32);
}

TEST_F(OpenCLTest, AttentionPrefillCausalAndNot) {
  std::mt19937 rng(32);
  for (bool causal : {true, false}) {
    check_attention(*this, rng, {5, 4, 4, 16, 12, 3, causal}, DType::f32);
    check_attention(*this, rng, {7, 6, 3, 9, 7, 0, causal}, DType::f16);
  }
}

}  // namespace
}  // namespace opencl_test
