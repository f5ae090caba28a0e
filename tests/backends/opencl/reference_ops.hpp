// A plain scalar reference for every op of the op set, in double precision, written from the
// definitions in backend.h and independent of every backend.
#pragma once

#include <cstdint>
#include <vector>

namespace opencl_test::reference {

using Values = std::vector<double>;

Values add(const Values& a, const Values& b);  // b full-size or one row, broadcast
Values mul(const Values& a, const Values& b);
Values silu(const Values& x);
Values gelu(const Values& x, bool tanh_form);
Values silu_mul(const Values& gate, const Values& up);
Values rms_norm(const Values& x, std::int64_t n, const Values& weight, double eps);
Values layer_norm(const Values& x, std::int64_t n, const Values& weight, const Values* bias, double eps);
Values rope(const Values& x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
            const std::vector<std::int32_t>& positions, double theta, std::int64_t rotary_dim);
Values softmax(const Values& x, std::int64_t n, double scale);
Values matmul(const Values& x, std::int64_t m, std::int64_t k, const Values& w, std::int64_t n, const Values* bias);
Values attention(const Values& q, std::int64_t tokens, std::int64_t heads, std::int64_t dim, const Values& k_cache,
                 const Values& v_cache, std::int64_t kv_heads, std::int64_t n_past, double scale, bool causal);
Values embedding(const Values& table, std::int64_t dim, const std::vector<std::int32_t>& ids);

}  // namespace opencl_test::reference
