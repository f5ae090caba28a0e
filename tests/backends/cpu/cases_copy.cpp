// COPY cases: every dtype pair, the rounding edge cases of f16 and bf16 (ties to even,
// overflow to infinity, subnormals, NaN), and exhaustive decoding of all 65536 bit patterns.
#include "half_reference.hpp"
#include "op_case.hpp"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace strata_test {
namespace {

// What COPY must produce from exact input values: the nearest value of the output dtype.
Reference rounded(const Values& in, strata_dtype out) {
  Reference r{in, Values(in.size(), 0.0)};
  for (double& v : r.value) {
    if (out == STRATA_DTYPE_F16) v = f16_value(f16_nearest(v));
    if (out == STRATA_DTYPE_BF16) v = bf16_value(bf16_nearest(v));
  }
  return r;  // tolerance 0: conversion is exact rounding
}

OpCase copy_case(const std::string& name, const HostTensor& in, strata_dtype out, std::vector<std::int64_t> out_shape) {
  return make_case(name, STRATA_OP_COPY, {in}, out, std::move(out_shape), rounded(values_of(in), out));
}

HostTensor all_bit_patterns(strata_dtype dtype) {
  HostTensor t{dtype, {256, 256}, std::vector<std::byte>(65536 * 2)};
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    const auto b = static_cast<std::uint16_t>(bits);
    std::memcpy(t.bytes.data() + 2 * bits, &b, 2);
  }
  return t;
}

// Magnitudes spread over every binade from below the smallest subnormal to past the largest
// finite value of the target format.
Values wide_range(Random& random, std::int64_t count, double low_exponent, double high_exponent) {
  Values exponents = random.uniform(count, low_exponent, high_exponent);
  Values signs = random.ints(count, 0, 1);
  Values v(exponents.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (signs[i] != 0 ? -1 : 1) * std::exp2(exponents[i]);
  return v;
}

}  // namespace

std::vector<OpCase> copy_cases() {
  const double inf = INFINITY;
  std::vector<OpCase> cases;
  Random random(7);

  const Values f16_edges = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      65504.0,
      65519.99,
      65520.0,
      -65520.0,
      65536.0,
      1e10,
      inf,
      -inf,
      NAN,
      std::ldexp(1.0, -24),  // smallest subnormal
      std::ldexp(1.0, -25),  // half of it: tie, rounds to even 0
      std::ldexp(1.5, -24),  // tie between 1 and 2 subnormal steps: to 2
      std::ldexp(1.0, -26),
      std::ldexp(1.0, -14),                               // below half the smallest; smallest normal
      std::ldexp(1.0, -14) - std::ldexp(1.0, -25),        // largest subnormal + half a step: tie, to even
      1.0 + std::ldexp(1.0, -11),                         // tie: to 1 (even)
      1.0 + 3 * std::ldexp(1.0, -11),                     // tie: to 1 + 2^-9 (even)
      1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -20),  // just above a tie: up
      65488.0,                                            // tie between 65472 (even) and 65504
      0.1,
      -1.0 / 3.0,
      3.14159265};
  cases.push_back(copy_case("copy_f32_to_f16_edges",
                            make_tensor(STRATA_DTYPE_F32, {static_cast<std::int64_t>(f16_edges.size())}, f16_edges),
                            STRATA_DTYPE_F16, {static_cast<std::int64_t>(f16_edges.size())}));
  const Values bf16_edges = {0.0,
                             -0.0,
                             1.0,
                             1.0 + std::ldexp(1.0, -8),
                             1.0 + 3 * std::ldexp(1.0, -8),
                             1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -20),
                             FLT_MAX,
                             -FLT_MAX,
                             std::ldexp(255.0, 120),
                             inf,
                             -inf,
                             NAN,
                             1e-40,
                             FLT_MIN,
                             std::ldexp(1.0, -149),
                             std::ldexp(3.0, -149),
                             0.1,
                             -1.0 / 3.0};
  cases.push_back(copy_case("copy_f32_to_bf16_edges",
                            make_tensor(STRATA_DTYPE_F32, {static_cast<std::int64_t>(bf16_edges.size())}, bf16_edges),
                            STRATA_DTYPE_BF16, {static_cast<std::int64_t>(bf16_edges.size())}));
  cases.push_back(copy_case("copy_f32_to_f16_wide_range",
                            make_tensor(STRATA_DTYPE_F32, {3, 257}, wide_range(random, 771, -27, 17)), STRATA_DTYPE_F16,
                            {771}));
  cases.push_back(copy_case("copy_f32_to_bf16_wide_range",
                            make_tensor(STRATA_DTYPE_F32, {3, 257}, wide_range(random, 771, -140, 127)),
                            STRATA_DTYPE_BF16, {3, 257}));

  // Every f16 and bf16 bit pattern, to f32 and to the other half type.
  cases.push_back(
      copy_case("copy_f16_to_f32_all_patterns", all_bit_patterns(STRATA_DTYPE_F16), STRATA_DTYPE_F32, {65536}));
  cases.push_back(
      copy_case("copy_bf16_to_f32_all_patterns", all_bit_patterns(STRATA_DTYPE_BF16), STRATA_DTYPE_F32, {65536}));
  cases.push_back(
      copy_case("copy_f16_to_bf16_all_patterns", all_bit_patterns(STRATA_DTYPE_F16), STRATA_DTYPE_BF16, {65536}));
  cases.push_back(
      copy_case("copy_bf16_to_f16_all_patterns", all_bit_patterns(STRATA_DTYPE_BF16), STRATA_DTYPE_F16, {65536}));

  // Same-dtype copies, reshaping on the way, and in place.
  for (strata_dtype dtype : {STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16}) {
    const HostTensor in = make_tensor(dtype, {3, 17}, random.uniform(51, -100, 100));
    const std::string name = std::string("copy_") + dtype_text(dtype) + "_to_" + dtype_text(dtype);
    cases.push_back(copy_case(name + "_reshaped", in, dtype, {51}));
    cases.push_back(in_place(copy_case(name, in, dtype, {3, 17})));
  }
  const Values ints = {0, 1, -1, 2147483647.0, -2147483648.0, 65537, -123456789};
  cases.push_back(copy_case("copy_i32_to_i32", make_tensor(STRATA_DTYPE_I32, {7}, ints), STRATA_DTYPE_I32, {7, 1}));
  return cases;
}

}  // namespace strata_test
