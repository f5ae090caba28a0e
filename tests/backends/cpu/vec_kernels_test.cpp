// The vector kernels' own accuracy, tighter than the op tests can see it: exp to a few ulp
// over its whole range (softmax and attention lean on it), SiLU likewise, for every variant
// this CPU runs.
#include <strata_cpu/isa.hpp>

#include "vec_kernels.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <vector>

namespace strata_test {
namespace {

std::vector<const strata_cpu::VecKernels*> variants() {
  std::vector<const strata_cpu::VecKernels*> all = {&strata_cpu::generic_kernels()};
  if (strata_cpu::best_isa() == strata_cpu::Isa::avx2) all.push_back(strata_cpu::avx2_kernels());
  return all;
}

// Distance in units of the last place of the exact value (as an f32).
double ulps(float got, double exact) {
  const double ulp = std::ldexp(1.0, std::ilogb(static_cast<float>(exact)) - 23);
  return std::fabs(got - exact) / ulp;
}

TEST(VecKernels, ExpIsWithinTwoUlpOverItsRange) {
  for (const auto* kernels : variants()) {
    std::vector<float> x;
    for (double v = -87.0; v <= 88.0; v += 0.0137) x.push_back(static_cast<float>(v));
    for (float v : {0.0f, -0.0f, 1e-8f, -1e-8f, 0.5f, -0.3465f, 0.3466f, -87.3f, 88.7f}) x.push_back(v);
    std::vector<float> y = x;
    const double sum = kernels->exp_sum(y.data(), y.size(), 1.0f, 0.0f);
    double exact_sum = 0;
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double exact = std::exp(static_cast<double>(x[i]));
      exact_sum += exact;
      if (exact < FLT_MIN || exact > FLT_MAX) continue;
      worst = std::max(worst, ulps(y[i], exact));
    }
    EXPECT_LE(worst, 2.0);
    EXPECT_NEAR(sum / exact_sum, 1.0, 1e-6);
  }
}

TEST(VecKernels, ExpScalesAndShiftsAndKeepsSpecialValues) {
  for (const auto* kernels : variants()) {
    std::vector<float> x = {2.0f, -INFINITY, NAN, -200.0f, 1000.0f, 0.25f, 3.0f, -1.0f, 4.0f};
    std::vector<float> y = x;
    kernels->exp_sum(y.data(), y.size(), 0.5f, 1.0f);  // exp(x / 2 - 1)
    EXPECT_FLOAT_EQ(y[0], 1.0f);
    EXPECT_EQ(y[1], 0.0f);
    EXPECT_TRUE(std::isnan(y[2]));
    EXPECT_TRUE(y[3] >= 0.0f && y[3] < FLT_MIN);  // e^-101: a subnormal, or flushed to 0
    EXPECT_EQ(y[4], INFINITY);
    EXPECT_LE(ulps(y[5], std::exp(0.125 - 1.0)), 2.0);
    EXPECT_LE(ulps(y[8], std::exp(1.0)), 2.0);
  }
}

TEST(VecKernels, SiluIsWithinAFewUlp) {
  for (const auto* kernels : variants()) {
    std::vector<float> x, up;
    for (double v = -80.0; v <= 80.0; v += 0.0731) {
      x.push_back(static_cast<float>(v));
      up.push_back(static_cast<float>(1.0 + 0.001 * v));
    }
    std::vector<float> silu(x.size()), product(x.size());
    kernels->silu_mul(x.data(), nullptr, silu.data(), x.size());
    kernels->silu_mul(x.data(), up.data(), product.data(), x.size());
    double worst = 0, worst_product = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double exact = x[i] / (1.0 + std::exp(-static_cast<double>(x[i])));
      if (std::fabs(exact) < FLT_MIN) continue;
      worst = std::max(worst, ulps(silu[i], exact));
      worst_product = std::max(worst_product, ulps(product[i], exact * up[i]));
    }
    EXPECT_LE(worst, 4.0);
    EXPECT_LE(worst_product, 5.0);
  }
}

}  // namespace
}  // namespace strata_test
