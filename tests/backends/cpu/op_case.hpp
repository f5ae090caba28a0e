// One op to run and what it must produce: host inputs, the output's dtype and shape, and the
// expected values with a tolerance per element. The same cases run through the kernels
// directly (cpu_kernels_test, every ISA variant) and through the C++ API and the plugin
// (cpu_backend_test), one test per op family.
#pragma once

#include "host_tensor.hpp"

#include <strata/backend.h>
#include <strata_reference/ops.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace strata_test {

using strata_reference::Reference;
using strata_reference::Values;

// Relative tolerance against the magnitude of an element's terms (see strata_reference/ops.hpp).
inline constexpr double f32_tolerance = 1e-5;

struct OpCase {
  std::string name;
  strata_op_kind kind = STRATA_OP_COPY;
  strata_op params{};  // only .params is read
  std::vector<HostTensor> inputs;
  strata_dtype out_dtype = STRATA_DTYPE_F32;
  std::vector<std::int64_t> out_shape;
  bool out_over_input0 = false;  // the output is written exactly over inputs[0]
  std::vector<double> expected;
  std::vector<double> tolerance;  // absolute, per element; NaN expected means NaN required
};

void PrintTo(const OpCase& c, std::ostream* os);

// Expected values from a reference, tolerance f32_tolerance * scale.
OpCase make_case(std::string name, strata_op_kind kind, std::vector<HostTensor> inputs, strata_dtype out_dtype,
                 std::vector<std::int64_t> out_shape, const Reference& reference);
// The case again with its output written over inputs[0] (which must have the output's layout).
OpCase in_place(OpCase c);

::testing::AssertionResult output_matches(const OpCase& c, const std::vector<double>& got);

// The cases of one op family, made when a test asks for them (not when tests are registered:
// every ctest process would pay for all of them).
struct OpFamily {
  std::string name;
  std::vector<OpCase> (*cases)();
};
void PrintTo(const OpFamily& family, std::ostream* os);
const std::vector<OpFamily>& op_families();

std::vector<OpCase> copy_cases();
std::vector<OpCase> binary_cases();      // add, mul
std::vector<OpCase> activation_cases();  // silu, gelu, silu_mul
std::vector<OpCase> norm_cases();        // rms_norm, layer_norm
std::vector<OpCase> rope_cases();
std::vector<OpCase> softmax_cases();
std::vector<OpCase> matmul_cases();
std::vector<OpCase> attention_cases();
std::vector<OpCase> embedding_cases();
// ABI 1.2
std::vector<OpCase> rope_frequency_cases();
std::vector<OpCase> norm_offset_cases();
std::vector<OpCase> scaling_cases();  // scale, softcap
std::vector<OpCase> window_attention_cases();

}  // namespace strata_test
