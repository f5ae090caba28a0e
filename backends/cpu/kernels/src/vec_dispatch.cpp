// The dtype-dispatching helpers the op families call, over the selected kernel variant.
#include <strata_plugin/host.hpp>

#include "vec_kernels.hpp"

#include <algorithm>

namespace strata_cpu {

void to_f32(const std::byte* src, strata_dtype dtype, float* dst, std::size_t n) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      std::copy_n(reinterpret_cast<const float*>(src), n, dst);
      return;
    case STRATA_DTYPE_F16:
      return vec().f16_to_f32(reinterpret_cast<const std::uint16_t*>(src), dst, n);
    case STRATA_DTYPE_BF16:
      return vec().bf16_to_f32(reinterpret_cast<const std::uint16_t*>(src), dst, n);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "to_f32: not a float dtype ({})", dtype);
  }
}

void from_f32(const float* src, strata_dtype dtype, std::byte* dst, std::size_t n) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      std::copy_n(src, n, reinterpret_cast<float*>(dst));
      return;
    case STRATA_DTYPE_F16:
      return vec().f32_to_f16(src, reinterpret_cast<std::uint16_t*>(dst), n);
    case STRATA_DTYPE_BF16:
      return vec().f32_to_bf16(src, reinterpret_cast<std::uint16_t*>(dst), n);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "from_f32: not a float dtype ({})", dtype);
  }
}

void dot_rows(const float* x, std::size_t ldx, std::size_t rows, const std::byte* w, strata_dtype dtype, std::size_t k,
              float* out, std::size_t ldo) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      return vec().dot_rows_f32(x, ldx, rows, reinterpret_cast<const float*>(w), k, out, ldo);
    case STRATA_DTYPE_F16:
      return vec().dot_rows_f16(x, ldx, rows, reinterpret_cast<const std::uint16_t*>(w), k, out, ldo);
    case STRATA_DTYPE_BF16:
      return vec().dot_rows_bf16(x, ldx, rows, reinterpret_cast<const std::uint16_t*>(w), k, out, ldo);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "dot_rows: not a float dtype ({})", dtype);
  }
}

void key_scores(const float* q, std::size_t ldq, std::size_t rows, const std::byte* k, strata_dtype dtype,
                std::size_t stride, std::size_t keys, std::size_t d, float* scores, std::size_t lds) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      return vec().key_scores_f32(q, ldq, rows, reinterpret_cast<const float*>(k), stride, keys, d, scores, lds);
    case STRATA_DTYPE_F16:
      return vec().key_scores_f16(q, ldq, rows, reinterpret_cast<const std::uint16_t*>(k), stride, keys, d, scores,
                                  lds);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "key_scores: unsupported cache dtype ({})", dtype);
  }
}

void value_sum(const float* p, std::size_t ldp, std::size_t rows, const std::byte* v, strata_dtype dtype,
               std::size_t stride, std::size_t keys, std::size_t d, float* acc, std::size_t lda) {
  switch (dtype) {
    case STRATA_DTYPE_F32:
      return vec().value_sum_f32(p, ldp, rows, reinterpret_cast<const float*>(v), stride, keys, d, acc, lda);
    case STRATA_DTYPE_F16:
      return vec().value_sum_f16(p, ldp, rows, reinterpret_cast<const std::uint16_t*>(v), stride, keys, d, acc, lda);
    default:
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "value_sum: unsupported cache dtype ({})", dtype);
  }
}

}  // namespace strata_cpu
