#include "half_reference.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata_test {
namespace {

// Sign s, exponent field e (w bits, bias b), mantissa field m (p bits).
double decode(std::uint32_t s, std::uint32_t e, std::uint32_t m, int exponent_max, int bias, int mantissa_bits) {
  double magnitude;
  if (e == static_cast<std::uint32_t>(exponent_max))
    magnitude = m == 0 ? INFINITY : NAN;
  else if (e == 0)
    magnitude = std::ldexp(static_cast<double>(m), 1 - bias - mantissa_bits);
  else
    magnitude = std::ldexp(static_cast<double>(m + (1u << mantissa_bits)), static_cast<int>(e) - bias - mantissa_bits);
  return s != 0 ? -magnitude : magnitude;
}

// All non-negative values of a format, by bit pattern, up to and including the infinity
// pattern, which stands in for the next value after the largest finite one (2^16 for f16,
// 2^128 for bf16) so that rounding to it means overflow.
std::vector<double> positive_table(double (*value)(std::uint16_t), std::uint16_t infinity_bits, double after_max) {
  std::vector<double> table;
  for (std::uint32_t bits = 0; bits < infinity_bits; ++bits) table.push_back(value(static_cast<std::uint16_t>(bits)));
  table.push_back(after_max);
  return table;
}

std::uint16_t nearest(const std::vector<double>& table, std::uint16_t sign_bit, std::uint16_t nan_bits, double value) {
  if (std::isnan(value)) return nan_bits;
  const std::uint16_t sign = std::signbit(value) ? sign_bit : 0;
  const double magnitude = std::fabs(value);
  if (magnitude >= table.back()) return static_cast<std::uint16_t>(sign | (table.size() - 1));
  const auto above = static_cast<std::size_t>(std::lower_bound(table.begin(), table.end(), magnitude) - table.begin());
  if (table[above] == magnitude) return static_cast<std::uint16_t>(sign | above);
  const std::size_t below = above - 1;
  const double up = table[above] - magnitude;
  const double down = magnitude - table[below];
  const std::size_t pick = up < down ? above : down < up ? below : (below % 2 == 0 ? below : above);
  return static_cast<std::uint16_t>(sign | pick);
}

}  // namespace

double f16_value(std::uint16_t bits) { return decode(bits >> 15, (bits >> 10) & 0x1fu, bits & 0x3ffu, 31, 15, 10); }

double bf16_value(std::uint16_t bits) { return decode(bits >> 15, (bits >> 7) & 0xffu, bits & 0x7fu, 255, 127, 7); }

std::uint16_t f16_nearest(double value) {
  static const std::vector<double> table = positive_table(f16_value, 0x7c00, 65536.0);
  return nearest(table, 0x8000, 0x7e00, value);
}

std::uint16_t bf16_nearest(double value) {
  static const std::vector<double> table = positive_table(bf16_value, 0x7f80, std::ldexp(1.0, 128));
  return nearest(table, 0x8000, 0x7fc0, value);
}

}  // namespace strata_test
