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

  // y[i] += a * v[i]
  void (*axpy_f32)(float a, const float* v, float* y, std::size_t n);
  void (*axpy_f16)(float a, const std::uint16_t* v, float* y, std::size_t n);
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
void axpy(float a, const std::byte* v, strata_dtype dtype, float* y, std::size_t n);

}  // namespace strata_cpu
