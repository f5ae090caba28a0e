// The op set of backend.h, built from TensorViews. Each builder checks nothing itself: the
// device validates the op when it is submitted or asked whether it supports it.
#pragma once

#include <strata/backend.h>
#include <strata/device.hpp>

#include <optional>

namespace strata {

struct Op {
  strata_op raw{};
};

namespace ops {

Op copy(const TensorView& in, const TensorView& out);
Op add(const TensorView& a, const TensorView& b, const TensorView& out);
Op mul(const TensorView& a, const TensorView& b, const TensorView& out);
Op silu(const TensorView& in, const TensorView& out);
Op gelu(const TensorView& in, const TensorView& out, bool tanh_approximation = false);
Op silu_mul(const TensorView& gate, const TensorView& up, const TensorView& out);
Op rms_norm(const TensorView& in, const TensorView& weight, const TensorView& out, float eps);
Op layer_norm(const TensorView& in, const TensorView& weight, std::optional<TensorView> bias, const TensorView& out,
              float eps);
Op rope(const TensorView& in, const TensorView& positions, const TensorView& out, float theta, int rotary_dim);
Op softmax(const TensorView& in, const TensorView& out, float scale = 1.0f);
Op matmul(const TensorView& x, const TensorView& weight, std::optional<TensorView> bias, const TensorView& out);
Op attention(const TensorView& q, const TensorView& k_cache, const TensorView& v_cache, const TensorView& out,
             std::int64_t n_past, float scale, bool causal = true);
Op embedding(const TensorView& table, const TensorView& ids, const TensorView& out);

}  // namespace ops
}  // namespace strata
