// f16 and bf16 encoding for test data. The suite keeps its own copy (it builds against the
// installed public headers only) so that it checks backends against an independent conversion.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace strata_cts {

inline float bf16_bits_to_float(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

// Round to nearest even; NaN stays a quiet NaN.
inline std::uint16_t float_to_bf16_bits(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  if (std::isnan(value)) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
  const std::uint32_t lsb = (bits >> 16) & 1u;
  return static_cast<std::uint16_t>((bits + 0x7fffu + lsb) >> 16);
}

inline float f16_bits_to_float(std::uint16_t bits) {
  const bool negative = (bits & 0x8000u) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  float magnitude;
  if (exponent == 0x1f) {
    magnitude = mantissa != 0 ? NAN : INFINITY;
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // subnormal
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return negative ? -magnitude : magnitude;
}

// Round to nearest even through double arithmetic: slow and obviously right, which is what a
// reference wants.
inline std::uint16_t float_to_f16_bits(float value) {
  const std::uint16_t sign = std::signbit(value) ? 0x8000u : 0u;
  if (std::isnan(value)) return static_cast<std::uint16_t>(sign | 0x7e00u);
  const double magnitude = std::fabs(static_cast<double>(value));
  if (magnitude >= 65520.0) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (magnitude < std::ldexp(1.0, -14)) {
    // Subnormal: units of 2^-24; nearbyint rounds half to even in the default mode.
    const auto units = static_cast<std::uint16_t>(std::nearbyint(magnitude * std::ldexp(1.0, 24)));
    return static_cast<std::uint16_t>(sign | units);  // 0x400 units carries into the exponent
  }
  int exponent = 0;
  std::frexp(magnitude, &exponent);  // magnitude = f * 2^exponent, f in [0.5, 1)
  const double ulp = std::ldexp(1.0, exponent - 11);
  const double rounded = std::nearbyint(magnitude / ulp) * ulp;
  int rounded_exponent = 0;
  const double fraction = std::frexp(rounded, &rounded_exponent);
  const auto biased = static_cast<std::uint16_t>(rounded_exponent - 1 + 15);
  const auto mantissa = static_cast<std::uint16_t>(std::ldexp(fraction, 11)) & 0x3ffu;
  return static_cast<std::uint16_t>(sign | (biased << 10) | mantissa);
}

}  // namespace strata_cts
