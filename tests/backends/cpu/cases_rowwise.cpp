// RMS_NORM and LAYER_NORM (weights and bias in each float dtype), ROPE (full and partial
// rotary dims, large positions) and SOFTMAX (scaled, large inputs), out of place and in place.
#include "op_case.hpp"

namespace strata_test {
namespace {

const strata_dtype float_dtypes[] = {STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16};

}  // namespace

std::vector<OpCase> norm_cases() {
  std::vector<OpCase> cases;
  Random random(13);
  const std::vector<std::vector<std::int64_t>> shapes = {{1, 1}, {3, 17}, {5, 257}, {2, 3, 65}};
  for (std::size_t shape_index = 0; shape_index < shapes.size(); ++shape_index) {
    const auto& shape = shapes[shape_index];
    const std::int64_t n = shape.back();
    for (std::size_t w_index = 0; w_index < 3; ++w_index) {
      const strata_dtype w_dtype = float_dtypes[w_index];
      // Over the four shapes the bias meets the weight in all nine dtype pairs.
      const strata_dtype b_dtype = float_dtypes[(w_index + shape_index) % 3];
      const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(element_count(shape), -1, 3));
      const HostTensor w = make_tensor(w_dtype, {n}, random.uniform(n, 0.5, 1.5));
      const HostTensor b = make_tensor(b_dtype, {n}, random.uniform(n, -1, 1));
      const std::string suffix = shape_text(shape) + "_w_" + dtype_text(w_dtype);
      const float eps = w_dtype == STRATA_DTYPE_F32 ? 1e-6f : 1e-5f;

      OpCase rms = make_case("rms_norm_" + suffix, STRATA_OP_RMS_NORM, {x, w}, STRATA_DTYPE_F32, shape,
                             strata_reference::rms_norm(values_of(x), n, values_of(w), eps));
      rms.params.params.norm.eps = eps;
      OpCase layer = make_case("layer_norm_" + suffix + "_b_" + dtype_text(b_dtype), STRATA_OP_LAYER_NORM, {x, w, b},
                               STRATA_DTYPE_F32, shape,
                               strata_reference::layer_norm(values_of(x), n, values_of(w), values_of(b), eps));
      layer.params.params.norm.eps = eps;
      OpCase layer_no_bias = make_case("layer_norm_no_bias_" + suffix, STRATA_OP_LAYER_NORM, {x, w}, STRATA_DTYPE_F32,
                                       shape, strata_reference::layer_norm(values_of(x), n, values_of(w), {}, eps));
      layer_no_bias.params.params.norm.eps = eps;
      for (OpCase* c : {&rms, &layer, &layer_no_bias}) {
        cases.push_back(*c);
        cases.push_back(in_place(*c));
      }
    }
  }
  return cases;
}

std::vector<OpCase> rope_cases() {
  std::vector<OpCase> cases;
  Random random(14);
  struct Shape {
    std::int64_t tokens, heads, dim, rotary;
    double theta;
    std::int64_t first_position, position_spread;
  };
  const Shape shapes[] = {
      {1, 1, 2, 2, 10000, 0, 0},          {3, 2, 8, 8, 10000, 0, 0},        {5, 3, 16, 8, 10000, 7, 0},
      {17, 2, 64, 32, 1000000, 0, 32767}, {4, 4, 6, 4, 500000, 100000, 50}, {2, 3, 65, 64, 10000, 3, 2000},
  };
  for (const Shape& s : shapes) {
    const std::vector<std::int64_t> shape = {s.tokens, s.heads, s.dim};
    const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(element_count(shape), -2, 2));
    Values positions(static_cast<std::size_t>(s.tokens));
    const Values jitter = random.ints(s.tokens, 0, s.position_spread);
    for (std::int64_t t = 0; t < s.tokens; ++t)
      positions[t] =
          static_cast<double>(s.first_position + (s.position_spread == 0 ? t : static_cast<std::int64_t>(jitter[t])));
    const HostTensor pos = make_tensor(STRATA_DTYPE_I32, {s.tokens}, positions);
    OpCase c = make_case("rope_" + shape_text(shape) + "_rotary_" + std::to_string(s.rotary), STRATA_OP_ROPE, {x, pos},
                         STRATA_DTYPE_F32, shape,
                         strata_reference::rope(values_of(x), s.tokens, s.heads, s.dim, positions, s.theta, s.rotary));
    c.params.params.rope.theta = static_cast<float>(s.theta);
    c.params.params.rope.rotary_dim = static_cast<std::int32_t>(s.rotary);
    cases.push_back(c);
    cases.push_back(in_place(c));
  }
  return cases;
}

std::vector<OpCase> softmax_cases() {
  std::vector<OpCase> cases;
  Random random(15);
  struct Shape {
    std::vector<std::int64_t> shape;
    float scale;
    double range;
  };
  const Shape shapes[] = {
      {{1}, 1.0f, 3}, {{3, 17}, 0.125f, 8}, {{5, 257}, 1.0f, 4}, {{2, 1000}, 1.0f, 80}, {{3, 65}, -2.0f, 5}};
  for (const Shape& s : shapes) {
    const HostTensor x =
        make_tensor(STRATA_DTYPE_F32, s.shape, random.uniform(element_count(s.shape), -s.range, s.range));
    std::string name = "softmax_" + shape_text(s.shape) + "_scale_" + std::to_string(static_cast<int>(s.scale * 1000));
    if (s.scale < 0) name = "softmax_" + shape_text(s.shape) + "_negative_scale";
    OpCase c = make_case(name, STRATA_OP_SOFTMAX, {x}, STRATA_DTYPE_F32, s.shape,
                         strata_reference::softmax(values_of(x), s.shape.back(), s.scale));
    c.params.params.softmax.scale = s.scale;
    cases.push_back(c);
    cases.push_back(in_place(c));
  }
  return cases;
}

}  // namespace strata_test
