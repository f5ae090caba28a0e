// The few inner loops that decide the CPU backend's speed, behind a table of function pointers
// so that one binary carries a portable variant and an AVX2/FMA/F16C variant, picked at run
// time (isa.cpp). Everything else is written once on top of these.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>

namespace strata_cpu {

// The most x rows dot_rows_* handle in one call: enough accumulators to reuse each converted
// weight vector four times, few enough to stay in registers.
inline constexpr std::size_t max_dot_rows = 4;

struct VecKernels {
  void (*f16_to_f32)(const std::uint16_t* src, float* dst, std::size_t n);
  void (*bf16_to_f32)(const std::uint16_t* src, float* dst, std::size_t n);
  void (*f32_to_f16)(const float* src, std::uint16_t* dst, std::size_t n);
  void (*f32_to_bf16)(const float* src, std::uint16_t* dst, std::size_t n);

  // out[r * ldo] = sum_i x[r * ldx + i] * w[i] for r < rows (1..max_dot_rows), f32 accumulation.
  void (*dot_rows_f32)(const float* x, std::size_t ldx, std::size_t rows, const float* w, std::size_t k, float* out,
                       std::size_t ldo);
  void (*dot_rows_f16)(const float* x, std::size_t ldx, std::size_t rows, const std::uint16_t* w, std::size_t k,
                       float* out, std::size_t ldo);
  void (*dot_rows_bf16)(const float* x, std::size_t ldx, std::size_t rows, const std::uint16_t* w, std::size_t k,
                        float* out, std::size_t ldo);

  // x[i] = exp(x[i] * scale - shift); returns the sum of the new x[i], accumulated in double.
  // The softmax core of SOFTMAX and ATTENTION (shift = the row maximum, so no overflow).
  double (*exp_sum)(float* x, std::size_t n, float scale, float shift);
  // out[i] = silu(x[i]) * up[i] (up may be null: silu alone). out may equal x.
  void (*silu_mul)(const float* x, const float* up, float* out, std::size_t n);

  // Attention over `keys` cache rows, `stride` elements apart, for rows (1..max_dot_rows)
  // query heads at once, the loop over keys inside so that each key costs no call:
  // scores[r * lds + s] = sum_i q[r * ldq + i] * k[s * stride + i]
  void (*key_scores_f32)(const float* q, std::size_t ldq, std::size_t rows, const float* k, std::size_t stride,
                         std::size_t keys, std::size_t d, float* scores, std::size_t lds);
  void (*key_scores_f16)(const float* q, std::size_t ldq, std::size_t rows, const std::uint16_t* k, std::size_t stride,
                         std::size_t keys, std::size_t d, float* scores, std::size_t lds);
  // acc[r * lda + i] += sum_s p[r * ldp + s] * v[s * stride + i]
  void (*value_sum_f32)(const float* p, std::size_t ldp, std::size_t rows, const float* v, std::size_t stride,
                        std::size_t keys, std::size_t d, float* acc, std::size_t lda);
  void (*value_sum_f16)(const float* p, std::size_t ldp, std::size_t rows, const std::uint16_t* v, std::size_t stride,
                        std::size_t keys, std::size_t d, float* acc, std::size_t lda);
};

const VecKernels& generic_kernels();
// Only meaningful on x86-64 CPUs with AVX2, FMA and F16C; null elsewhere.
const VecKernels* avx2_kernels();

// The variant selected now.
const VecKernels& vec();

// dtype-dispatching helpers over vec().
void to_f32(const std::byte* src, strata_dtype dtype, float* dst, std::size_t n);
void from_f32(const float* src, strata_dtype dtype, std::byte* dst, std::size_t n);
void dot_rows(const float* x, std::size_t ldx, std::size_t rows, const std::byte* w, strata_dtype dtype, std::size_t k,
              float* out, std::size_t ldo);
// The attention kernels above for an f32 or f16 cache; `stride` in elements.
void key_scores(const float* q, std::size_t ldq, std::size_t rows, const std::byte* k, strata_dtype dtype,
                std::size_t stride, std::size_t keys, std::size_t d, float* scores, std::size_t lds);
void value_sum(const float* p, std::size_t ldp, std::size_t rows, const std::byte* v, strata_dtype dtype,
               std::size_t stride, std::size_t keys, std::size_t d, float* acc, std::size_t lda);

}  // namespace strata_cpu
