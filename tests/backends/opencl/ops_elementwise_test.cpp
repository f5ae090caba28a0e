// COPY, ADD, MUL, SILU, GELU, SILU_MUL and EMBEDDING on odd shapes, every storage dtype.
#include "opencl_fixture.hpp"

#include <strata_reference/ops.hpp>

namespace opencl_test {
namespace {

using strata::DType;
namespace ref = strata_reference;

constexpr DType kFloatTypes[] = {DType::f32, DType::f16, DType::bf16};

std::string name_of(DType dtype) { return std::string(strata::to_string(dtype)); }

TEST_F(OpenCLTest, CopyConvertsBetweenEveryPairOfDtypes) {
  std::mt19937 rng(1);
  for (DType from : kFloatTypes)
    for (DType to : kFloatTypes) {
      OpCase c;
      c.name = "copy " + name_of(from) + "->" + name_of(to);
      c.inputs = {random_tensor(from, {3, 37}, rng, -3, 3)};
      c.out_dtype = to;
      c.out_shape = {111};  // same element count, another shape
      c.make = [](const auto& in, const auto& out) { return strata::ops::copy(in[0], out); };
      std::vector<double> want = c.inputs[0].values();
      for (double& v : want) v = round_to(to, v);
      check(c, want, 0.0);
    }
}

TEST_F(OpenCLTest, CopyOfIntsIsExact) {
  OpCase c;
  c.name = "copy i32";
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 29; ++i) ids.push_back(i * 7919 - 100000);
  c.inputs = {int_tensor({29}, ids)};
  c.out_dtype = DType::i32;
  c.out_shape = {29};
  c.make = [](const auto& in, const auto& out) { return strata::ops::copy(in[0], out); };
  check(c, c.inputs[0].values(), 0.0);
}

TEST_F(OpenCLTest, CopyConvertsInPlace) {
  // Same buffer and offset, another dtype: the backend must not let elements overwrite
  // each other's input.
  std::mt19937 rng(2);
  for (DType to : {DType::f16, DType::bf16}) {
    OpCase c;
    c.name = "copy in place f32->" + name_of(to);
    c.inputs = {random_tensor(DType::f32, {1000}, rng, -3, 3)};
    c.make = [to](const auto& in, const auto&) {
      strata::TensorView out = in[0];
      out.dtype = to;
      return strata::ops::copy(in[0], out);
    };
    c.in_place = true;
    const HostTensor result = run_case(device(), c);
    HostTensor as_out = result;
    as_out.dtype = to;
    as_out.bytes.resize(1000 * 2);
    std::vector<double> want = c.inputs[0].values();
    for (double& v : want) v = round_to(to, v);
    expect_close(as_out.values(), want, 0.0, c.name);
  }
}

TEST_F(OpenCLTest, AddAndMulFullAndBroadcastForEveryDtype) {
  std::mt19937 rng(3);
  for (DType b_type : kFloatTypes)
    for (bool broadcast : {false, true})
      for (bool multiply : {false, true}) {
        OpCase c;
        c.name = std::string(multiply ? "mul" : "add") + (broadcast ? " broadcast " : " ") + name_of(b_type);
        c.inputs = {random_tensor(DType::f32, {5, 3, 19}, rng),
                    broadcast ? random_tensor(b_type, {19}, rng) : random_tensor(b_type, {5, 3, 19}, rng)};
        c.out_shape = {5, 3, 19};
        c.make = [multiply](const auto& in, const auto& out) {
          return multiply ? strata::ops::mul(in[0], in[1], out) : strata::ops::add(in[0], in[1], out);
        };
        const auto a = c.inputs[0].values();
        const auto b = c.inputs[1].values();
        check(c, (multiply ? ref::mul(a, b) : ref::add(a, b)).value, 1e-6);
      }
}

TEST_F(OpenCLTest, AddInPlace) {
  std::mt19937 rng(4);
  OpCase c;
  c.name = "add in place";
  c.inputs = {random_tensor(DType::f32, {7, 33}, rng), random_tensor(DType::f32, {7, 33}, rng)};
  c.in_place = true;
  c.make = [](const auto& in, const auto&) { return strata::ops::add(in[0], in[1], in[0]); };
  check(c, ref::add(c.inputs[0].values(), c.inputs[1].values()).value, 1e-6);
}

TEST_F(OpenCLTest, SiluGeluAndSiluMul) {
  std::mt19937 rng(5);
  const HostTensor x = random_tensor(DType::f32, {3, 257}, rng, -6, 6);
  const HostTensor y = random_tensor(DType::f32, {3, 257}, rng, -2, 2);
  OpCase silu{
      "silu", {x}, DType::f32, {3, 257}, [](const auto& in, const auto& out) { return strata::ops::silu(in[0], out); }};
  check(silu, ref::silu(x.values()).value, 1e-5);
  for (bool tanh_form : {false, true}) {
    OpCase gelu{
        tanh_form ? "gelu tanh" : "gelu erf", {x}, DType::f32, {3, 257}, [tanh_form](const auto& in, const auto& out) {
          return strata::ops::gelu(in[0], out, tanh_form);
        }};
    check(gelu, ref::gelu(x.values(), tanh_form).value, 1e-5);
  }
  OpCase silu_mul{"silu_mul", {x, y}, DType::f32, {3, 257}, [](const auto& in, const auto& out) {
                    return strata::ops::silu_mul(in[0], in[1], out);
                  }};
  check(silu_mul, ref::silu_mul(x.values(), y.values()).value, 1e-5);
  OpCase in_place{"silu in place", {x}, DType::f32, {}, [](const auto& in, const auto&) {
                    return strata::ops::silu(in[0], in[0]);
                  }};
  in_place.in_place = true;
  check(in_place, ref::silu(x.values()).value, 1e-5);
}

TEST_F(OpenCLTest, EmbeddingGathersRowsOfEveryDtype) {
  std::mt19937 rng(6);
  const std::vector<std::int32_t> ids = {4, 0, 12, 4, 7};
  for (DType table_type : kFloatTypes) {
    OpCase c;
    c.name = "embedding " + name_of(table_type);
    c.inputs = {random_tensor(table_type, {13, 21}, rng), int_tensor({5}, ids)};
    c.out_shape = {5, 21};
    c.make = [](const auto& in, const auto& out) { return strata::ops::embedding(in[0], in[1], out); };
    check(c, ref::embedding(c.inputs[0].values(), 21, c.inputs[1].values()).value, 0.0);
  }
}

TEST_F(OpenCLTest, EmbeddingIdOutsideTheTableIsAnError) {
  std::mt19937 rng(7);
  OpCase c;
  c.name = "embedding bad id";
  c.inputs = {random_tensor(DType::f32, {13, 8}, rng), int_tensor({3}, {1, 13, 2})};
  c.out_shape = {3, 8};
  c.make = [](const auto& in, const auto& out) { return strata::ops::embedding(in[0], in[1], out); };
  try {
    run_case(device(), c);
    FAIL() << "an id equal to the vocabulary size was accepted";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::invalid_argument) << error.what();
  }
  // The queue's error is reported once; a good op afterwards works.
  c.inputs[1] = int_tensor({3}, {1, 12, 2});
  check(c, ref::embedding(c.inputs[0].values(), 8, c.inputs[1].values()).value, 0.0);
}

}  // namespace
}  // namespace opencl_test
