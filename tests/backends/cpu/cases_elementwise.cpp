// ADD and MUL (full and broadcast second operand, each float dtype), SILU, GELU (both forms)
// and SILU_MUL, on odd shapes, out of place and in place.
#include "op_case.hpp"

namespace strata_test {
namespace {

const std::vector<std::vector<std::int64_t>> shapes = {{1}, {17}, {3, 17}, {2, 5, 65}, {4, 257}};

}  // namespace

std::vector<OpCase> binary_cases() {
  std::vector<OpCase> cases;
  Random random(11);
  for (const auto& shape : shapes) {
    const std::int64_t n = element_count(shape);
    const std::int64_t row = shape.back();
    const HostTensor a = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(n, -4, 4));
    for (strata_op_kind kind : {STRATA_OP_ADD, STRATA_OP_MUL}) {
      for (strata_dtype b_dtype : {STRATA_DTYPE_F32, STRATA_DTYPE_F16, STRATA_DTYPE_BF16}) {
        for (bool broadcast : {false, true}) {
          if (broadcast && row == n) continue;  // one row: the same as full size
          const HostTensor b = broadcast ? make_tensor(b_dtype, {row}, random.uniform(row, -4, 4))
                                         : make_tensor(b_dtype, shape, random.uniform(n, -4, 4));
          const Reference ref = kind == STRATA_OP_ADD ? strata_reference::add(values_of(a), values_of(b))
                                                      : strata_reference::mul(values_of(a), values_of(b));
          const std::string name = std::string(kind == STRATA_OP_ADD ? "add" : "mul") + "_" + shape_text(shape) +
                                   "_b_" + dtype_text(b_dtype) + (broadcast ? "_broadcast" : "");
          OpCase c = make_case(name, kind, {a, b}, STRATA_DTYPE_F32, shape, ref);
          cases.push_back(c);
          if (b_dtype != STRATA_DTYPE_F32) cases.push_back(in_place(c));
        }
      }
    }
  }
  return cases;
}

std::vector<OpCase> activation_cases() {
  std::vector<OpCase> cases;
  Random random(12);
  for (const auto& shape : shapes) {
    const std::int64_t n = element_count(shape);
    const HostTensor x = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(n, -10, 10));
    const HostTensor up = make_tensor(STRATA_DTYPE_F32, shape, random.uniform(n, -3, 3));
    std::vector<OpCase> unary = {
        make_case("silu_" + shape_text(shape), STRATA_OP_SILU, {x}, STRATA_DTYPE_F32, shape,
                  strata_reference::silu(values_of(x))),
        make_case("gelu_erf_" + shape_text(shape), STRATA_OP_GELU, {x}, STRATA_DTYPE_F32, shape,
                  strata_reference::gelu(values_of(x), false)),
        make_case("gelu_tanh_" + shape_text(shape), STRATA_OP_GELU, {x}, STRATA_DTYPE_F32, shape,
                  strata_reference::gelu(values_of(x), true)),
        make_case("silu_mul_" + shape_text(shape), STRATA_OP_SILU_MUL, {x, up}, STRATA_DTYPE_F32, shape,
                  strata_reference::silu_mul(values_of(x), values_of(up))),
    };
    unary[2].params.params.gelu.approximate = 1;
    for (OpCase& c : unary) {
      cases.push_back(c);
      cases.push_back(in_place(c));
    }
  }
  return cases;
}

}  // namespace strata_test
