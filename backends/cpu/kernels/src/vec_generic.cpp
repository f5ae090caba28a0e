// The portable variant of the vector kernels: plain loops the compiler may vectorise for the
// baseline ISA. Eight partial sums keep the accumulation order close to the SIMD variants'.
#include "vec_kernels.hpp"

#include <strata_plugin/dtype.hpp>

#include <cmath>

namespace strata_cpu {
namespace {

void f16_to_f32(const std::uint16_t* src, float* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = strata_plugin::f16_to_f32(src[i]);
}
void bf16_to_f32(const std::uint16_t* src, float* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = strata_plugin::bf16_to_f32(src[i]);
}
void f32_to_f16(const float* src, std::uint16_t* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = strata_plugin::f32_to_f16(src[i]);
}
void f32_to_bf16(const float* src, std::uint16_t* dst, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = strata_plugin::f32_to_bf16(src[i]);
}

struct LoadF32 {
  static float get(const float* w, std::size_t i) { return w[i]; }
};
struct LoadF16 {
  static float get(const std::uint16_t* w, std::size_t i) { return strata_plugin::f16_to_f32(w[i]); }
};
struct LoadBF16 {
  static float get(const std::uint16_t* w, std::size_t i) { return strata_plugin::bf16_to_f32(w[i]); }
};

template <typename Load, typename W>
void dot_rows(const float* x, std::size_t ldx, std::size_t rows, const W* w, std::size_t k, float* out,
              std::size_t ldo) {
  constexpr std::size_t lanes = 8;
  float acc[max_dot_rows][lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= k; i += lanes) {
    float wv[lanes];
    for (std::size_t l = 0; l < lanes; ++l) wv[l] = Load::get(w, i + l);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t l = 0; l < lanes; ++l) acc[r][l] += x[r * ldx + i + l] * wv[l];
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float sum = 0.0f;
    for (std::size_t l = 0; l < lanes; ++l) sum += acc[r][l];
    for (std::size_t j = i; j < k; ++j) sum += x[r * ldx + j] * Load::get(w, j);
    out[r * ldo] = sum;
  }
}

double exp_sum(float* x, std::size_t n, float scale, float shift) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] * scale - shift);
    sum += x[i];
  }
  return sum;
}

void silu_mul(const float* x, const float* up, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float silu = x[i] / (1.0f + std::exp(-x[i]));
    out[i] = up != nullptr ? silu * up[i] : silu;
  }
}

template <typename Load, typename W>
void key_scores(const float* q, std::size_t ldq, std::size_t rows, const W* k, std::size_t stride, std::size_t keys,
                std::size_t d, float* scores, std::size_t lds) {
  for (std::size_t s = 0; s < keys; ++s) dot_rows<Load>(q, ldq, rows, k + s * stride, d, scores + s, lds);
}

template <typename Load, typename W>
void value_sum(const float* p, std::size_t ldp, std::size_t rows, const W* v, std::size_t stride, std::size_t keys,
               std::size_t d, float* acc, std::size_t lda) {
  for (std::size_t s = 0; s < keys; ++s)
    for (std::size_t r = 0; r < rows; ++r) {
      const float weight = p[r * ldp + s];
      for (std::size_t i = 0; i < d; ++i) acc[r * lda + i] += weight * Load::get(v + s * stride, i);
    }
}

}  // namespace

const VecKernels& generic_kernels() {
  static const VecKernels table{
      f16_to_f32,
      bf16_to_f32,
      f32_to_f16,
      f32_to_bf16,
      dot_rows<LoadF32, float>,
      dot_rows<LoadF16, std::uint16_t>,
      dot_rows<LoadBF16, std::uint16_t>,
      exp_sum,
      silu_mul,
      key_scores<LoadF32, float>,
      key_scores<LoadF16, std::uint16_t>,
      value_sum<LoadF32, float>,
      value_sum<LoadF16, std::uint16_t>,
  };
  return table;
}

}  // namespace strata_cpu
