// Every op of the op set, every dtype it takes, on odd shapes and offsets: Vulkan against the
// CPU backend, through the C++ API. One test per op family keeps the process count (and the
// lavapipe start-up cost) low.
#include "vulkan_test_support.hpp"

#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using strata::DType;
using strata::Shape;
using strata::TensorView;
using vulkan_test::expect_same_output;
using vulkan_test::OpRun;
using vulkan_test::random_tensor;
using vulkan_test::zero_tensor;

const DType float_dtypes[] = {DType::f32, DType::f16, DType::bf16};

std::string name_of(DType dtype) { return std::string(strata::to_string(dtype)); }

// The output of an elementwise op written over its first input.
OpRun over_input0(OpRun run) {
  run.output = run.inputs[0];
  run.out_over_input0 = true;
  return run;
}

TEST(VulkanOps, CopyConvertsEveryFloatPairBitExactly) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (DType in : float_dtypes) {
    for (DType out : float_dtypes) {
      // Odd element offsets: a 16-bit output starts and ends in the middle of 32-bit words.
      for (std::uint64_t out_offset : {0u, 1u}) {
        SCOPED_TRACE(name_of(in) + " -> " + name_of(out) + " at offset " + std::to_string(out_offset));
        OpRun run;
        run.inputs = {random_tensor(in, Shape{3, 37}, 11, 3.0, 3)};
        run.output = zero_tensor(out, Shape{111}, out_offset);
        run.build = [](const std::vector<TensorView>& inputs, const TensorView& o) {
          return strata::ops::copy(inputs[0], o);
        };
        expect_same_output(vulkan, cpu, run, 0, true);
      }
    }
  }
  SCOPED_TRACE("i32");
  OpRun ints;
  ints.inputs = {vulkan_test::int_tensor({1, -2, 3, 2147483647, -2147483647 - 1}, 1)};
  ints.output = zero_tensor(DType::i32, Shape{5});
  ints.build = [](const std::vector<TensorView>& inputs, const TensorView& o) {
    return strata::ops::copy(inputs[0], o);
  };
  expect_same_output(vulkan, cpu, ints, 0, true);
  SCOPED_TRACE("in place");
  expect_same_output(vulkan, cpu, over_input0(ints), 0, true);
}

TEST(VulkanOps, AddAndMulWithEveryDtypeAndBroadcast) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (bool multiply : {false, true}) {
    for (DType b_dtype : float_dtypes) {
      for (bool broadcast : {false, true}) {
        SCOPED_TRACE(std::string(multiply ? "mul" : "add") + " b " + name_of(b_dtype) +
                     (broadcast ? " broadcast" : ""));
        OpRun run;
        run.inputs = {random_tensor(DType::f32, Shape{5, 67}, 1, 2.0, 1),
                      random_tensor(b_dtype, broadcast ? Shape{67} : Shape{5, 67}, 2, 2.0, 1)};
        run.output = zero_tensor(DType::f32, Shape{5, 67}, 2);
        run.build = [multiply](const std::vector<TensorView>& in, const TensorView& o) {
          return multiply ? strata::ops::mul(in[0], in[1], o) : strata::ops::add(in[0], in[1], o);
        };
        expect_same_output(vulkan, cpu, run, 1e-6);
        expect_same_output(vulkan, cpu, over_input0(run), 1e-6);
      }
    }
  }
}

TEST(VulkanOps, ActivationsSiluGeluAndSiluMul) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  const Shape shape{7, 131};
  for (int kind = 0; kind < 4; ++kind) {
    SCOPED_TRACE("activation " + std::to_string(kind));
    OpRun run;
    // Wide range: the tails of silu and gelu, where naive formulas overflow or cancel.
    run.inputs = {random_tensor(DType::f32, shape, 5, 12.0)};
    if (kind == 3) run.inputs.push_back(random_tensor(DType::f32, shape, 6, 2.0));
    run.output = zero_tensor(DType::f32, shape);
    run.build = [kind](const std::vector<TensorView>& in, const TensorView& o) {
      switch (kind) {
        case 0:
          return strata::ops::silu(in[0], o);
        case 1:
          return strata::ops::gelu(in[0], o, false);
        case 2:
          return strata::ops::gelu(in[0], o, true);
        default:
          return strata::ops::silu_mul(in[0], in[1], o);
      }
    };
    expect_same_output(vulkan, cpu, run, 2e-6);
    expect_same_output(vulkan, cpu, over_input0(run), 2e-6);
  }
}

TEST(VulkanOps, RmsNormAndLayerNormWithEveryWeightDtype) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (const Shape& shape : {Shape{4, 1000}, Shape{2, 3, 37}, Shape{1}}) {
    const std::int64_t n = shape[shape.rank() - 1];
    for (DType w_dtype : float_dtypes) {
      for (int kind = 0; kind < 3; ++kind) {  // rms, layer with bias, layer without
        SCOPED_TRACE(shape.to_string() + " weight " + name_of(w_dtype) + " kind " + std::to_string(kind));
        OpRun run;
        run.inputs = {random_tensor(DType::f32, shape, 7, 3.0, 1), random_tensor(w_dtype, Shape{n}, 8, 1.5, 1)};
        // The bias in another dtype than the weight.
        if (kind == 1)
          run.inputs.push_back(random_tensor(w_dtype == DType::bf16 ? DType::f32 : DType::bf16, Shape{n}, 9));
        run.output = zero_tensor(DType::f32, shape, 1);
        run.build = [kind](const std::vector<TensorView>& in, const TensorView& o) {
          if (kind == 0) return strata::ops::rms_norm(in[0], in[1], o, 1e-5f);
          return strata::ops::layer_norm(in[0], in[1], kind == 1 ? std::optional<TensorView>(in[2]) : std::nullopt, o,
                                         1e-5f);
        };
        expect_same_output(vulkan, cpu, run, 1e-5);
        expect_same_output(vulkan, cpu, over_input0(run), 1e-5);
      }
    }
  }
}

TEST(VulkanOps, SoftmaxWithScale) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (const Shape& shape : {Shape{3, 1000}, Shape{7, 5}, Shape{1}}) {
    SCOPED_TRACE(shape.to_string());
    OpRun run;
    run.inputs = {random_tensor(DType::f32, shape, 12, 20.0, 3)};
    run.output = zero_tensor(DType::f32, shape);
    run.build = [](const std::vector<TensorView>& in, const TensorView& o) {
      return strata::ops::softmax(in[0], o, 0.37f);
    };
    expect_same_output(vulkan, cpu, run, 1e-6);
    expect_same_output(vulkan, cpu, over_input0(run), 1e-6);
  }
}

TEST(VulkanOps, RopeFullAndPartialRotary) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (int rotary : {64, 32, 2}) {
    SCOPED_TRACE("rotary_dim " + std::to_string(rotary));
    OpRun run;
    run.inputs = {random_tensor(DType::f32, Shape{5, 3, 64}, 13, 2.0, 1),
                  vulkan_test::int_tensor({0, 7, 300, 3, 1023}, 1)};
    run.output = zero_tensor(DType::f32, Shape{5, 3, 64}, 2);
    run.build = [rotary](const std::vector<TensorView>& in, const TensorView& o) {
      return strata::ops::rope(in[0], in[1], o, 10000.0f, rotary);
    };
    // float32 angles up to 1023 rad: both sides round them, differently.
    expect_same_output(vulkan, cpu, run, 2e-4);
    expect_same_output(vulkan, cpu, over_input0(run), 2e-4);
  }
}

TEST(VulkanOps, MatmulMatrixVectorAndTiledWithEveryWeightDtype) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  struct Case {
    std::int64_t m, k, n;
    std::uint64_t x_offset;  // elements; 1 defeats the matrix-vector shader's vector loads
    bool bias;
  };
  const Case cases[] = {{1, 256, 67, 0, true},    {1, 33, 10, 0, false},  {1, 64, 9, 1, true},
                        {1, 2048, 130, 0, false}, {5, 67, 70, 0, true},   {70, 40, 130, 3, false},
                        {20, 264, 72, 0, true},   {130, 96, 66, 0, false}};
  for (const Case& c : cases) {
    for (DType w_dtype : float_dtypes) {
      SCOPED_TRACE("M " + std::to_string(c.m) + " K " + std::to_string(c.k) + " N " + std::to_string(c.n) + " weight " +
                   name_of(w_dtype) + (c.bias ? " bias" : ""));
      OpRun run;
      run.inputs = {random_tensor(DType::f32, Shape{c.m, c.k}, 21, 1.0, c.x_offset),
                    random_tensor(w_dtype, Shape{c.n, c.k}, 22, 1.0)};
      if (c.bias) run.inputs.push_back(random_tensor(w_dtype == DType::f32 ? DType::bf16 : DType::f32, Shape{c.n}, 23));
      run.output = zero_tensor(DType::f32, Shape{c.m, c.n}, 1);
      run.build = [&c](const std::vector<TensorView>& in, const TensorView& o) {
        return strata::ops::matmul(in[0], in[1], c.bias ? std::optional<TensorView>(in[2]) : std::nullopt, o);
      };
      expect_same_output(vulkan, cpu, run, 2e-5);
    }
  }
}

TEST(VulkanOps, AttentionCausalGroupedAndPlainWithF32AndF16Caches) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  struct Case {
    std::int64_t tokens, q_heads, kv_heads, head_dim, cache, n_past;
    bool causal;
    std::uint64_t k_offset;  // elements; 0 lets the shader load keys 16 bytes at a time
  };
  // Past 64 keys the shader's online softmax spans several blocks; with few queries and more
  // than 128 keys the keys are split over workgroups and merged by a second pass (the last
  // three cases; in the first of them query 0 has no key in the last split).
  const Case cases[] = {{1, 4, 2, 64, 130, 100, true, 1},  {5, 4, 1, 40, 12, 3, true, 0},
                        {3, 2, 2, 16, 8, 2, false, 1},     {2, 8, 8, 128, 70, 66, true, 0},
                        {1, 2, 1, 256, 3, 0, true, 8},     {3, 2, 1, 64, 200, 190, true, 0},
                        {1, 8, 2, 128, 400, 333, true, 1}, {2, 4, 4, 32, 160, 150, false, 0}};
  for (const Case& c : cases) {
    for (DType cache_dtype : {DType::f32, DType::f16}) {
      SCOPED_TRACE("T " + std::to_string(c.tokens) + " heads " + std::to_string(c.q_heads) + "/" +
                   std::to_string(c.kv_heads) + " D " + std::to_string(c.head_dim) + " n_past " +
                   std::to_string(c.n_past) + (c.causal ? " causal " : " ") + name_of(cache_dtype));
      OpRun run;
      run.inputs = {random_tensor(DType::f32, Shape{c.tokens, c.q_heads, c.head_dim}, 31, 2.0),
                    random_tensor(cache_dtype, Shape{c.cache, c.kv_heads, c.head_dim}, 32, 2.0, c.k_offset),
                    random_tensor(cache_dtype, Shape{c.cache, c.kv_heads, c.head_dim}, 33, 2.0, 3)};
      run.output = zero_tensor(DType::f32, Shape{c.tokens, c.q_heads, c.head_dim}, 1);
      const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
      run.build = [&c, scale](const std::vector<TensorView>& in, const TensorView& o) {
        return strata::ops::attention(in[0], in[1], in[2], o, c.n_past, scale, c.causal);
      };
      expect_same_output(vulkan, cpu, run, 2e-5);
    }
  }
}

TEST(VulkanOps, EmbeddingFromEveryTableDtype) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  for (DType table_dtype : float_dtypes) {
    SCOPED_TRACE(name_of(table_dtype));
    OpRun run;
    run.inputs = {random_tensor(table_dtype, Shape{50, 37}, 41, 1.0, 1),
                  vulkan_test::int_tensor({0, 49, 7, 7, 23, 1, 48}, 1)};
    run.output = zero_tensor(DType::f32, Shape{7, 37}, 1);
    run.build = [](const std::vector<TensorView>& in, const TensorView& o) {
      return strata::ops::embedding(in[0], in[1], o);
    };
    expect_same_output(vulkan, cpu, run, 0, true);
  }
}

}  // namespace
