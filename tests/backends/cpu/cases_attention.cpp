// ATTENTION: GQA ratios 1, 2, 4 and 8, decode (T = 1) and prefill (T > 1) with n_past > 0,
// causal and not, odd head sizes, f32 and f16 caches, scores large enough to overflow exp()
// without the max shift, and cache rows past n_past + T holding NaN (they must be ignored).
#include "half_reference.hpp"
#include "op_case.hpp"

#include <cmath>
#include <cstring>

namespace strata_test {
namespace {

// Overwrites cache positions [from, S) with NaN in the tensor's own dtype.
void poison_tail(HostTensor& cache, std::int64_t from) {
  const std::int64_t row = cache.shape[1] * cache.shape[2];
  const std::size_t size = element_size(cache.dtype);
  for (std::int64_t i = from * row; i < cache.elements(); ++i) {
    std::byte* p = cache.bytes.data() + i * static_cast<std::int64_t>(size);
    if (cache.dtype == STRATA_DTYPE_F32) {
      const float nan = NAN;
      std::memcpy(p, &nan, 4);
    } else {
      const std::uint16_t nan = f16_nearest(NAN);
      std::memcpy(p, &nan, 2);
    }
  }
}

}  // namespace

std::vector<OpCase> attention_cases() {
  struct Shape {
    std::int64_t tokens, q_heads, kv_heads, dim, cache_len, n_past;
    bool causal;
    double range;  // q and k in [-range, range]
    double scale;  // 0: 1/sqrt(dim)
  };
  const Shape shapes[] = {
      {1, 1, 1, 1, 1, 0, true, 1, 0},
      {1, 4, 4, 16, 20, 7, true, 1, 0},
      {1, 8, 4, 32, 9, 8, true, 1, 0},
      {5, 8, 2, 16, 30, 3, true, 1, 0},
      {3, 8, 1, 8, 10, 0, true, 1, 0},
      {4, 4, 2, 64, 9, 2, false, 1, 0},
      {7, 6, 3, 17, 12, 5, true, 1, 0},
      {2, 16, 2, 24, 40, 33, true, 1, 0},
      {6, 3, 1, 5, 6, 0, false, 1, 0},
      {3, 4, 1, 16, 8, 2, true, 4, 1.0},  // scores up to ~250: exp() overflows without the shift
      // Long caches with few work items: the keys are split into chunks whose partial
      // softmaxes are merged; with T = 260 the early tokens' last chunks lie wholly in the
      // causal future (on machines, or test arenas, with enough workers).
      {1, 4, 1, 16, 600, 520, true, 1, 0},
      {2, 8, 2, 8, 1100, 1000, false, 1, 0},
      {260, 1, 1, 4, 260, 0, true, 1, 0},
  };
  std::vector<OpCase> cases;
  Random random(23);
  for (const Shape& s : shapes) {
    for (strata_dtype kv_dtype : {STRATA_DTYPE_F32, STRATA_DTYPE_F16}) {
      const double scale = s.scale != 0 ? s.scale : 1.0 / std::sqrt(static_cast<double>(s.dim));
      const HostTensor q = make_tensor(STRATA_DTYPE_F32, {s.tokens, s.q_heads, s.dim},
                                       random.uniform(s.tokens * s.q_heads * s.dim, -s.range, s.range));
      const std::int64_t cache = s.cache_len * s.kv_heads * s.dim;
      HostTensor k = make_tensor(kv_dtype, {s.cache_len, s.kv_heads, s.dim}, random.uniform(cache, -s.range, s.range));
      HostTensor v = make_tensor(kv_dtype, {s.cache_len, s.kv_heads, s.dim}, random.uniform(cache, -1, 1));
      const strata_reference::AttentionShape shape{s.tokens, s.q_heads, s.kv_heads, s.dim, s.n_past,
                                                   scale,    s.causal,  0,          0};
      const Reference ref = strata_reference::attention(values_of(q), values_of(k), values_of(v), shape);
      poison_tail(k, s.n_past + s.tokens);
      poison_tail(v, s.n_past + s.tokens);
      const std::string name = "attention_t" + std::to_string(s.tokens) + "_h" + std::to_string(s.q_heads) + "_kv" +
                               std::to_string(s.kv_heads) + "_d" + std::to_string(s.dim) + "_s" +
                               std::to_string(s.cache_len) + "_past" + std::to_string(s.n_past) +
                               (s.causal ? "_causal_" : "_full_") + dtype_text(kv_dtype) +
                               (s.scale != 0 ? "_large_scores" : "");
      OpCase c = make_case(name, STRATA_OP_ATTENTION, {q, k, v}, STRATA_DTYPE_F32, {s.tokens, s.q_heads, s.dim}, ref);
      c.params.params.attention.n_past = s.n_past;
      c.params.params.attention.scale = static_cast<float>(scale);
      c.params.params.attention.causal = s.causal ? 1 : 0;
      cases.push_back(c);
    }
  }
  return cases;
}

}  // namespace strata_test
