#include "op_case.hpp"

#include <cmath>
#include <sstream>

namespace strata_test {

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

void PrintTo(const OpFamily& family, std::ostream* os) { *os << family.name; }

OpCase make_case(std::string name, strata_op_kind kind, std::vector<HostTensor> inputs, strata_dtype out_dtype,
                 std::vector<std::int64_t> out_shape, const Reference& reference) {
  OpCase c;
  c.name = std::move(name);
  c.kind = kind;
  c.params.kind = kind;
  c.inputs = std::move(inputs);
  c.out_dtype = out_dtype;
  c.out_shape = std::move(out_shape);
  c.expected = reference.value;
  c.tolerance.resize(reference.scale.size());
  // The floor forgives results that flush to zero below f32's normal range.
  for (std::size_t i = 0; i < c.tolerance.size(); ++i) c.tolerance[i] = f32_tolerance * reference.scale[i] + 1e-36;
  return c;
}

OpCase in_place(OpCase c) {
  c.name += "_in_place";
  c.out_over_input0 = true;
  return c;
}

::testing::AssertionResult output_matches(const OpCase& c, const std::vector<double>& got) {
  if (got.size() != c.expected.size())
    return ::testing::AssertionFailure() << "got " << got.size() << " values, expected " << c.expected.size();
  std::size_t failures = 0;
  std::ostringstream report;
  report.precision(9);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double want = c.expected[i];
    const bool ok =
        std::isnan(want) ? std::isnan(got[i]) : (got[i] == want || std::fabs(got[i] - want) <= c.tolerance[i]);
    if (ok) continue;
    if (++failures <= 8)
      report << "\n  [" << i << "] got " << got[i] << ", expected " << want << " +- " << c.tolerance[i];
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << c.name << ": " << failures << " of " << got.size() << " elements differ"
                                       << report.str();
}

const std::vector<OpFamily>& op_families() {
  static const std::vector<OpFamily> families = {
      {"copy", copy_cases},
      {"binary", binary_cases},
      {"activations", activation_cases},
      {"norms", norm_cases},
      {"rope", rope_cases},
      {"softmax", softmax_cases},
      {"matmul", matmul_cases},
      {"attention", attention_cases},
      {"embedding", embedding_cases},
      // ABI 1.2
      {"rope_frequencies", rope_frequency_cases},
      {"norm_offset", norm_offset_cases},
      {"scaling", scaling_cases},
      {"window_attention", window_attention_cases},
  };
  return families;
}

}  // namespace strata_test
