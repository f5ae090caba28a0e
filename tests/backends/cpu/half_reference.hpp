// f16 and bf16 written independently of the code under test: values decoded from the bit
// fields with ldexp, and rounding done by searching the table of all representable values
// for the nearest one (ties to the even bit pattern).
#pragma once

#include <cstdint>

namespace strata_test {

double f16_value(std::uint16_t bits);
double bf16_value(std::uint16_t bits);
// Nearest f16/bf16 to `value`, ties to even; beyond the largest finite value by half a step
// or more: infinity; NaN -> a quiet NaN.
std::uint16_t f16_nearest(double value);
std::uint16_t bf16_nearest(double value);

}  // namespace strata_test
