// The op set of backend.h, built from TensorViews. Each builder checks nothing itself: the
// device validates the op when it is submitted or asked whether it supports it. Ops that use an
// ABI 1.2 feature are refused by devices whose plugin is older (Device::supports is false).
#pragma once

#include <strata/export.hpp>

#include <strata/backend.h>
#include <strata/device.hpp>

#include <optional>

namespace strata {

struct STRATA_API Op {
  strata_op raw{};
};

namespace ops {

STRATA_API Op copy(const TensorView& in, const TensorView& out);
STRATA_API Op add(const TensorView& a, const TensorView& b, const TensorView& out);
STRATA_API Op mul(const TensorView& a, const TensorView& b, const TensorView& out);
STRATA_API Op silu(const TensorView& in, const TensorView& out);
STRATA_API Op gelu(const TensorView& in, const TensorView& out, bool tanh_approximation = false);
STRATA_API Op silu_mul(const TensorView& gate, const TensorView& up, const TensorView& out);
// weight_offset (ABI 1.2): out = x / rms * (weight + weight_offset); Gemma's norms use 1.
STRATA_API Op rms_norm(const TensorView& in, const TensorView& weight, const TensorView& out, float eps,
                       float weight_offset = 0.0f);
STRATA_API Op layer_norm(const TensorView& in, const TensorView& weight, std::optional<TensorView> bias,
                         const TensorView& out, float eps);
STRATA_API Op rope(const TensorView& in, const TensorView& positions, const TensorView& out, float theta,
                   int rotary_dim);
// ABI 1.2: angle = pos * inverse_frequencies[i] (F32 [rotary_dim / 2]), for scaled ropes (llama3).
STRATA_API Op rope(const TensorView& in, const TensorView& positions, const TensorView& inverse_frequencies,
                   const TensorView& out, int rotary_dim);
STRATA_API Op softmax(const TensorView& in, const TensorView& out, float scale = 1.0f);
STRATA_API Op matmul(const TensorView& x, const TensorView& weight, std::optional<TensorView> bias,
                     const TensorView& out);
STRATA_API Op attention(const TensorView& q, const TensorView& k_cache, const TensorView& v_cache,
                        const TensorView& out, std::int64_t n_past, float scale, bool causal = true,
                        std::int64_t window = 0, float softcap = 0.0f);
STRATA_API Op embedding(const TensorView& table, const TensorView& ids, const TensorView& out);
// ABI 1.2: out = in * factor.
STRATA_API Op scale(const TensorView& in, const TensorView& out, float factor);
// ABI 1.2: out = cap * tanh(in / cap), cap > 0.
STRATA_API Op softcap(const TensorView& in, const TensorView& out, float cap);

}  // namespace ops
}  // namespace strata
