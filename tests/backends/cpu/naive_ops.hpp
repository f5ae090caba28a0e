// The op set of backend.h written the obvious way, in double precision, from the formulas in
// backend.h and Hugging Face's definitions. Each result carries, per element, the magnitude
// of the terms that produced it: an f32 kernel's rounding error is a small multiple of
// FLT_EPSILON times that, which sets the tolerance.
#pragma once

#include <cstdint>
#include <vector>

namespace strata_test {

struct Reference {
  std::vector<double> value;
  std::vector<double> scale;
};

using Values = std::vector<double>;

// b has a's element count, or the length of a's rows (broadcast).
Reference naive_add(const Values& a, const Values& b);
Reference naive_mul(const Values& a, const Values& b);
Reference naive_silu(const Values& x);
Reference naive_gelu(const Values& x, bool tanh_form);
Reference naive_silu_mul(const Values& gate, const Values& up);
Reference naive_rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps);
// `bias` empty: none.
Reference naive_layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values& bias, double eps);
Reference naive_rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
                     const Values& positions, double theta, std::int64_t rotary_dim);
Reference naive_softmax(const Values& x, std::int64_t n, double scale);
// x [m, k], weight [n, k], bias [n] or empty.
Reference naive_matmul(const Values& x, const Values& weight, const Values& bias, std::int64_t m, std::int64_t n,
                       std::int64_t k);
struct AttentionShape {
  std::int64_t tokens, q_heads, kv_heads, dim, cache_len, n_past;
  double scale;
  bool causal;
};
Reference naive_attention(const Values& q, const Values& k, const Values& v, const AttentionShape& s);
Reference naive_embedding(const Values& table, std::int64_t dim, const Values& ids);

}  // namespace strata_test
