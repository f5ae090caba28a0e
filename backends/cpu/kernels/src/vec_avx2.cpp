// The AVX2 + FMA + F16C variant of the vector kernels. Compiled for the baseline ISA with
// per-function target attributes, so one binary runs everywhere and isa.cpp calls this only
// on CPUs that have these extensions. f16 conversion uses the hardware instructions, which
// round to nearest even and keep infinities, NaNs and subnormals.
#include "vec_kernels.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <strata_plugin/dtype.hpp>

#include <immintrin.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace strata_cpu {
namespace {

STRATA_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

STRATA_AVX2 inline __m256 load8_f16(const std::uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
STRATA_AVX2 inline __m256 load8_bf16(const std::uint16_t* p) {
  const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

STRATA_AVX2 void f16_to_f32(const std::uint16_t* src, float* dst, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load8_f16(src + i));
  for (; i < n; ++i) dst[i] = strata_plugin::f16_to_f32(src[i]);
}

STRATA_AVX2 void bf16_to_f32(const std::uint16_t* src, float* dst, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load8_bf16(src + i));
  for (; i < n; ++i) dst[i] = strata_plugin::bf16_to_f32(src[i]);
}

STRATA_AVX2 void f32_to_f16(const float* src, std::uint16_t* dst, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
  }
  for (; i < n; ++i) dst[i] = strata_plugin::f32_to_f16(src[i]);
}

// Round to nearest even by adding 0x7fff plus the lowest kept bit; NaNs are kept quiet
// instead of rounding into infinity.
STRATA_AVX2 void f32_to_bf16(const float* src, std::uint16_t* dst, std::size_t n) {
  const __m256i bias = _mm256_set1_epi32(0x7fff);
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i quiet = _mm256_set1_epi32(0x40);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(src + i);
    const __m256i bits = _mm256_castps_si256(v);
    const __m256i high = _mm256_srli_epi32(bits, 16);
    const __m256i rounded =
        _mm256_srli_epi32(_mm256_add_epi32(bits, _mm256_add_epi32(bias, _mm256_and_si256(high, one))), 16);
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    const __m256i result = _mm256_blendv_epi8(rounded, _mm256_or_si256(high, quiet), nan);
    const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(result), _mm256_extracti128_si256(result, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), packed);
  }
  for (; i < n; ++i) dst[i] = strata_plugin::f32_to_bf16(src[i]);
}

struct LoadF32 {
  using W = float;
  STRATA_AVX2 static __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
  static float get(const float* p) { return *p; }
};
struct LoadF16 {
  using W = std::uint16_t;
  STRATA_AVX2 static __m256 load8(const std::uint16_t* p) { return load8_f16(p); }
  static float get(const std::uint16_t* p) { return strata_plugin::f16_to_f32(*p); }
};
struct LoadBF16 {
  using W = std::uint16_t;
  STRATA_AVX2 static __m256 load8(const std::uint16_t* p) { return load8_bf16(p); }
  static float get(const std::uint16_t* p) { return strata_plugin::bf16_to_f32(*p); }
};

// Each converted weight vector feeds all R rows; U independent accumulators per row hide the
// FMA latency. R * U + U registers stay within the 16 ymm registers.
template <std::size_t R, typename Load>
STRATA_AVX2 void dot_rows_fixed(const float* x, std::size_t ldx, const typename Load::W* w, std::size_t k, float* out,
                                std::size_t ldo) {
  constexpr std::size_t U = R <= 2 ? 4 : 2;
  __m256 acc[R][U];
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t u = 0; u < U; ++u) acc[r][u] = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 * U <= k; i += 8 * U) {
    __m256 wv[U];
    for (std::size_t u = 0; u < U; ++u) wv[u] = Load::load8(w + i + 8 * u);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t u = 0; u < U; ++u)
        acc[r][u] = _mm256_fmadd_ps(_mm256_loadu_ps(x + r * ldx + i + 8 * u), wv[u], acc[r][u]);
  }
  for (; i + 8 <= k; i += 8) {
    const __m256 wv = Load::load8(w + i);
    for (std::size_t r = 0; r < R; ++r) acc[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x + r * ldx + i), wv, acc[r][0]);
  }
  for (std::size_t r = 0; r < R; ++r) {
    __m256 total = acc[r][0];
    for (std::size_t u = 1; u < U; ++u) total = _mm256_add_ps(total, acc[r][u]);
    float sum = hsum(total);
    for (std::size_t j = i; j < k; ++j) sum += x[r * ldx + j] * Load::get(w + j);
    out[r * ldo] = sum;
  }
}

template <typename Load>
STRATA_AVX2 void dot_rows(const float* x, std::size_t ldx, std::size_t rows, const typename Load::W* w, std::size_t k,
                          float* out, std::size_t ldo) {
  switch (rows) {
    case 1:
      return dot_rows_fixed<1, Load>(x, ldx, w, k, out, ldo);
    case 2:
      return dot_rows_fixed<2, Load>(x, ldx, w, k, out, ldo);
    case 3:
      return dot_rows_fixed<3, Load>(x, ldx, w, k, out, ldo);
    default:
      return dot_rows_fixed<4, Load>(x, ldx, w, k, out, ldo);
  }
}

STRATA_AVX2 void axpy_f32(float a, const float* v, float* y, std::size_t n) {
  const __m256 av = _mm256_set1_ps(a);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(v + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * v[i];
}

STRATA_AVX2 void axpy_f16(float a, const std::uint16_t* v, float* y, std::size_t n) {
  const __m256 av = _mm256_set1_ps(a);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, load8_f16(v + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * strata_plugin::f16_to_f32(v[i]);
}

}  // namespace

const VecKernels* avx2_kernels() {
  static const VecKernels table{
      f16_to_f32,        bf16_to_f32,        f32_to_f16, f32_to_bf16, dot_rows<LoadF32>,
      dot_rows<LoadF16>, dot_rows<LoadBF16>, axpy_f32,   axpy_f16,
  };
  return &table;
}

}  // namespace strata_cpu

#else

namespace strata_cpu {
const VecKernels* avx2_kernels() { return nullptr; }
}  // namespace strata_cpu

#endif
