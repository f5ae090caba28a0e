// The op set of backend.h written the obvious way, in double precision, from the formulas in
// backend.h and Hugging Face's definitions: the one reference that strata-cts and the backend
// tests compare devices with. It depends on no backend and on nothing but the public headers.
//
// Each result carries, per element, the magnitude of the terms that produced it (`scale`): an
// f32 kernel's rounding error is a small multiple of FLT_EPSILON times that, which lets a test
// set its tolerance element by element. Callers that want only the values read `value`.
#pragma once

#include <cstdint>
#include <vector>

namespace strata_reference {

using Values = std::vector<double>;

struct Reference {
  Values value;
  Values scale;
};

// `b` has a's element count, or the length of a's rows (broadcast over the rows).
Reference add(const Values& a, const Values& b);
Reference mul(const Values& a, const Values& b);
Reference silu(const Values& x);
Reference gelu(const Values& x, bool tanh_form);
Reference silu_mul(const Values& gate, const Values& up);
// ABI 1.2: x * factor, and cap * tanh(x / cap).
Reference scale(const Values& x, double factor);
Reference softcap(const Values& x, double cap);

// Row-wise over rows of `n` elements. weight_offset (ABI 1.2) is added to every weight.
Reference rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps, double weight_offset = 0);
// `bias` empty: none.
Reference layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values& bias, double eps);
Reference softmax(const Values& x, std::int64_t n, double scale);

// x [tokens, heads, dim]; the first `rotary_dim` features of each head rotate, the rest pass.
Reference rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim, const Values& positions,
               double theta, std::int64_t rotary_dim);
// The same with the inverse frequencies given (ABI 1.2): angle = position * inv_freq[i].
Reference rope_with_frequencies(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
                                const Values& positions, const Values& inv_freq, std::int64_t rotary_dim);

// x [m, k], weight [n, k], bias [n] or empty.
Reference matmul(const Values& x, const Values& weight, const Values& bias, std::int64_t m, std::int64_t n,
                 std::int64_t k);

// q [tokens, q_heads, dim]; k and v [S, kv_heads, dim] with S >= n_past + tokens.
// ABI 1.2: window W > 0 lets position p see keys p-W+1 .. p only; softcap c > 0 turns each
// scaled score s into c * tanh(s / c) before the softmax.
struct AttentionShape {
  std::int64_t tokens, q_heads, kv_heads, dim, n_past;
  double scale;
  bool causal;
  std::int64_t window;
  double softcap;
};
Reference attention(const Values& q, const Values& k, const Values& v, const AttentionShape& shape);

// table [V, dim]; every id in [0, V).
Reference embedding(const Values& table, std::int64_t dim, const Values& ids);

}  // namespace strata_reference
