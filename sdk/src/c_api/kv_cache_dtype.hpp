// strata_kv_cache_dtype as the C++ API takes it: plans and sessions read the same field.
#pragma once

#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/types.hpp>

#include <fmt/format.h>

#include <optional>

namespace strata::c_api {

inline std::optional<DType> kv_cache_dtype(strata_kv_cache_dtype dtype) {
  switch (dtype) {
    case STRATA_KV_CACHE_MODEL:
      return std::nullopt;
    case STRATA_KV_CACHE_F32:
      return DType::f32;
    case STRATA_KV_CACHE_F16:
      return DType::f16;
    default:
      throw ArgumentError(fmt::format("kv_dtype {} is not a strata_kv_cache_dtype", dtype));
  }
}

}  // namespace strata::c_api
