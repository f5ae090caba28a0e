// The AVX2 + FMA + F16C variant of the vector kernels. Compiled for the baseline ISA with
// per-function target attributes, so one binary runs everywhere and isa.cpp calls this only
// on CPUs that have these extensions. f16 conversion uses the hardware instructions, which
// round to nearest even and keep infinities, NaNs and subnormals.
#include "vec_kernels.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <strata_plugin/dtype.hpp>

#include <immintrin.h>

#include <cmath>

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

// exp(x) to about 1 ulp: x = n ln2 + r with |r| <= ln2/2 (ln2 split in two parts so n ln2 is
// exact), e^r by its degree-7 Taylor polynomial (truncation below 2^-27), then 2^n added to the
// exponent bits. Below -87.3 the result is flushed to 0 (it would be under FLT_MIN); above
// 88.7 it is infinity; NaN stays NaN.
STRATA_AVX2 inline __m256 exp8(__m256 x) {
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 clamped_n = _mm256_max_ps(_mm256_min_ps(n, _mm256_set1_ps(127.0f)), _mm256_set1_ps(-126.0f));
  __m256 r = _mm256_fnmadd_ps(clamped_n, _mm256_set1_ps(0.693145751953125f), x);
  r = _mm256_fnmadd_ps(clamped_n, _mm256_set1_ps(1.428606765330187e-06f), r);
  __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(clamped_n), _mm256_set1_epi32(127)), 23);
  __m256 result = _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
  result = _mm256_blendv_ps(result, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ));
  result = _mm256_blendv_ps(result, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(88.72f), _CMP_GT_OQ));
  return _mm256_blendv_ps(result, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

STRATA_AVX2 double exp_sum(float* x, std::size_t n, float scale, float shift) {
  const __m256 scale_v = _mm256_set1_ps(scale);
  const __m256 shift_v = _mm256_set1_ps(shift);
  __m256d sum_lo = _mm256_setzero_pd(), sum_hi = _mm256_setzero_pd();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp8(_mm256_fmsub_ps(_mm256_loadu_ps(x + i), scale_v, shift_v));
    _mm256_storeu_ps(x + i, e);
    sum_lo = _mm256_add_pd(sum_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    sum_hi = _mm256_add_pd(sum_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_add_pd(sum_lo, sum_hi));
  double sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (; i < n; ++i) {
    x[i] = std::exp(x[i] * scale - shift);
    sum += x[i];
  }
  return sum;
}

STRATA_AVX2 void silu_mul(const float* x, const float* up, float* out, std::size_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    __m256 silu = _mm256_div_ps(v, _mm256_add_ps(one, exp8(_mm256_xor_ps(v, sign))));
    if (up != nullptr) silu = _mm256_mul_ps(silu, _mm256_loadu_ps(up + i));
    _mm256_storeu_ps(out + i, silu);
  }
  for (; i < n; ++i) {
    const float silu = x[i] / (1.0f + std::exp(-x[i]));
    out[i] = up != nullptr ? silu * up[i] : silu;
  }
}

template <std::size_t R, typename Load>
STRATA_AVX2 void key_scores_fixed(const float* q, std::size_t ldq, const typename Load::W* k, std::size_t stride,
                                  std::size_t keys, std::size_t d, float* scores, std::size_t lds) {
  for (std::size_t s = 0; s < keys; ++s) dot_rows_fixed<R, Load>(q, ldq, k + s * stride, d, scores + s, lds);
}

template <typename Load>
STRATA_AVX2 void key_scores(const float* q, std::size_t ldq, std::size_t rows, const typename Load::W* k,
                            std::size_t stride, std::size_t keys, std::size_t d, float* scores, std::size_t lds) {
  switch (rows) {
    case 1:
      return key_scores_fixed<1, Load>(q, ldq, k, stride, keys, d, scores, lds);
    case 2:
      return key_scores_fixed<2, Load>(q, ldq, k, stride, keys, d, scores, lds);
    case 3:
      return key_scores_fixed<3, Load>(q, ldq, k, stride, keys, d, scores, lds);
    default:
      return key_scores_fixed<4, Load>(q, ldq, k, stride, keys, d, scores, lds);
  }
}

// Each converted value vector serves all R rows; the accumulators (R rows of d floats) stay
// in L1 across the keys.
template <std::size_t R, typename Load>
STRATA_AVX2 void value_sum_fixed(const float* p, std::size_t ldp, const typename Load::W* v, std::size_t stride,
                                 std::size_t keys, std::size_t d, float* acc, std::size_t lda) {
  for (std::size_t s = 0; s < keys; ++s) {
    const typename Load::W* row = v + s * stride;
    __m256 weight[R];
    for (std::size_t r = 0; r < R; ++r) weight[r] = _mm256_set1_ps(p[r * ldp + s]);
    std::size_t i = 0;
    for (; i + 8 <= d; i += 8) {
      const __m256 values = Load::load8(row + i);
      for (std::size_t r = 0; r < R; ++r) {
        float* a = acc + r * lda + i;
        _mm256_storeu_ps(a, _mm256_fmadd_ps(weight[r], values, _mm256_loadu_ps(a)));
      }
    }
    for (; i < d; ++i) {
      const float value = Load::get(row + i);
      for (std::size_t r = 0; r < R; ++r) acc[r * lda + i] += p[r * ldp + s] * value;
    }
  }
}

template <typename Load>
STRATA_AVX2 void value_sum(const float* p, std::size_t ldp, std::size_t rows, const typename Load::W* v,
                           std::size_t stride, std::size_t keys, std::size_t d, float* acc, std::size_t lda) {
  switch (rows) {
    case 1:
      return value_sum_fixed<1, Load>(p, ldp, v, stride, keys, d, acc, lda);
    case 2:
      return value_sum_fixed<2, Load>(p, ldp, v, stride, keys, d, acc, lda);
    case 3:
      return value_sum_fixed<3, Load>(p, ldp, v, stride, keys, d, acc, lda);
    default:
      return value_sum_fixed<4, Load>(p, ldp, v, stride, keys, d, acc, lda);
  }
}

}  // namespace

const VecKernels* avx2_kernels() {
  static const VecKernels table{
      f16_to_f32,         bf16_to_f32, f32_to_f16, f32_to_bf16,         dot_rows<LoadF32>,   dot_rows<LoadF16>,
      dot_rows<LoadBF16>, exp_sum,     silu_mul,   key_scores<LoadF32>, key_scores<LoadF16>, value_sum<LoadF32>,
      value_sum<LoadF16>,
  };
  return &table;
}

}  // namespace strata_cpu

#else

namespace strata_cpu {
const VecKernels* avx2_kernels() { return nullptr; }
}  // namespace strata_cpu

#endif
