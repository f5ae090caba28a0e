// Hand-computed results for what ABI 1.2 added, straight through the kernels: which keys a
// sliding window lets a query see, soft-capping's values, Gemma's (1 + w) norm, given rope
// frequencies, SCALE; and the malformed forms the kernels must refuse.
#include <strata_cpu/kernels.hpp>

#include <strata_plugin/host.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

namespace strata_test {
namespace {

// Buffer handles are the address of a float vector's data; resolve turns them back.
const strata_cpu::ResolveBuffer resolve = [](strata_buffer* b) { return reinterpret_cast<std::byte*>(b); };

strata_tensor view(std::vector<float>& data, std::initializer_list<std::int64_t> shape,
                   strata_dtype dtype = STRATA_DTYPE_F32) {
  strata_tensor t{};
  t.buffer = reinterpret_cast<strata_buffer*>(data.data());
  t.dtype = dtype;
  for (const std::int64_t d : shape) t.shape[t.rank++] = d;
  return t;
}

// Attention with q = 0 gives every visible key the same weight, so with v[s] = s the output is
// the mean position of the keys the query sees.
std::vector<float> mean_visible_position(std::int64_t tokens, std::int64_t n_past, std::int64_t window) {
  const std::int64_t cache = n_past + tokens;
  std::vector<float> q(static_cast<std::size_t>(tokens), 0.0f);
  std::vector<float> k(static_cast<std::size_t>(cache), 1.0f);
  std::vector<float> v(static_cast<std::size_t>(cache));
  for (std::size_t s = 0; s < v.size(); ++s) v[s] = static_cast<float>(s);
  std::vector<float> out(static_cast<std::size_t>(tokens), -1.0f);
  strata_op op{};
  op.kind = STRATA_OP_ATTENTION;
  op.n_inputs = 3;
  op.inputs[0] = view(q, {tokens, 1, 1});
  op.inputs[1] = view(k, {cache, 1, 1});
  op.inputs[2] = view(v, {cache, 1, 1});
  op.output = view(out, {tokens, 1, 1});
  op.params.attention.n_past = n_past;
  op.params.attention.scale = 1.0f;
  op.params.attention.causal = 1;
  op.params.attention.window = window;
  strata_cpu::execute(op, resolve);
  return out;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f * (1 + want[i])) << "[" << i << "]";
}

TEST(Abi12Kernels, SlidingWindowSeesTheLastWKeysIncludingItsOwn) {
  // Window 3, no past: positions 0..4 see {0}, {0,1}, {0,1,2}, {1,2,3}, {2,3,4}.
  expect_close(mean_visible_position(5, 0, 3), {0.0f, 0.5f, 1.0f, 2.0f, 3.0f});
  // With a past of 6: positions 6, 7 see {4,5,6} and {5,6,7}.
  expect_close(mean_visible_position(2, 6, 3), {5.0f, 6.0f});
  // Window 1: only its own key.
  expect_close(mean_visible_position(3, 2, 1), {2.0f, 3.0f, 4.0f});
  // Window 0 is no window: position 3 sees 0..3.
  expect_close(mean_visible_position(1, 3, 0), {1.5f});
}

TEST(Abi12Kernels, SlidingWindowOnALongCacheDecode) {
  // Decode at position 2999 with window 1000: keys 2000..2999, mean 2499.5 (the chunked path).
  const std::vector<float> out = mean_visible_position(1, 2999, 1000);
  EXPECT_NEAR(out[0], 2499.5f, 2499.5f * 1e-5f);
}

TEST(Abi12Kernels, SoftcappedScoresWeighTheKeys) {
  // One query against two keys with scores 4 and 0; softcap 2 turns 4 into 2 tanh(2).
  std::vector<float> q = {1.0f}, k = {4.0f, 0.0f}, v = {1.0f, 0.0f}, out = {0.0f};
  strata_op op{};
  op.kind = STRATA_OP_ATTENTION;
  op.n_inputs = 3;
  op.inputs[0] = view(q, {1, 1, 1});
  op.inputs[1] = view(k, {2, 1, 1});
  op.inputs[2] = view(v, {2, 1, 1});
  op.output = view(out, {1, 1, 1});
  op.params.attention.n_past = 1;
  op.params.attention.scale = 1.0f;
  op.params.attention.causal = 1;
  op.params.attention.softcap = 2.0f;
  strata_cpu::execute(op, resolve);
  const double capped = 2.0 * std::tanh(2.0);  // 1.9280551601516338
  EXPECT_NEAR(out[0], std::exp(capped) / (std::exp(capped) + 1.0), 1e-6);
}

TEST(Abi12Kernels, SoftcapScaleAndNormOffsetValues) {
  std::vector<float> x = {2.0f, -60.0f, 0.0f, NAN};
  std::vector<float> out(4);
  strata_op op{};
  op.kind = STRATA_OP_SOFTCAP;
  op.n_inputs = 1;
  op.inputs[0] = view(x, {4});
  op.output = view(out, {4});
  op.params.softcap.cap = 2.0f;
  strata_cpu::execute(op, resolve);
  EXPECT_NEAR(out[0], 1.5231883f, 1e-6f);  // 2 tanh(1)
  EXPECT_NEAR(out[1], -2.0f, 1e-6f);       // saturated
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_TRUE(std::isnan(out[3]));

  op.kind = STRATA_OP_SCALE;
  op.params = {};
  op.params.scale.factor = -1.5f;
  strata_cpu::execute(op, resolve);
  EXPECT_EQ(out[0], -3.0f);
  EXPECT_EQ(out[1], 90.0f);
  EXPECT_TRUE(std::isnan(out[3]));

  // x = [3, 4]: rms = sqrt(12.5); weights stored as w - 1 = [0, 1] with offset 1 give [1, 2].
  std::vector<float> row = {3.0f, 4.0f}, weight = {0.0f, 1.0f}, normed(2);
  strata_op norm{};
  norm.kind = STRATA_OP_RMS_NORM;
  norm.n_inputs = 2;
  norm.inputs[0] = view(row, {1, 2});
  norm.inputs[1] = view(weight, {2});
  norm.output = view(normed, {1, 2});
  norm.params.norm.weight_offset = 1.0f;
  strata_cpu::execute(norm, resolve);
  EXPECT_NEAR(normed[0], 3.0 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(normed[1], 2 * 4.0 / std::sqrt(12.5), 1e-6);
}

TEST(Abi12Kernels, RopeUsesTheGivenFrequenciesNotTheta) {
  // One head of 4 features, rotary 4: pairs (0, 2) and (1, 3) turn by pos * f0 and pos * f1.
  const float pi = 3.14159265f;
  std::vector<float> x = {1.0f, 1.0f, 0.0f, 0.0f}, out(4);
  std::vector<float> positions_bits(1);
  const std::int32_t position = 100;
  std::memcpy(positions_bits.data(), &position, 4);
  std::vector<float> frequencies = {pi / 200.0f, pi / 100.0f};  // a quarter and a half turn
  strata_op op{};
  op.kind = STRATA_OP_ROPE;
  op.n_inputs = 3;
  op.inputs[0] = view(x, {1, 1, 4});
  op.inputs[1] = view(positions_bits, {1}, STRATA_DTYPE_I32);
  op.inputs[2] = view(frequencies, {2});
  op.output = view(out, {1, 1, 4});
  op.params.rope.rotary_dim = 4;
  op.params.rope.theta = 10000.0f;  // ignored
  strata_cpu::execute(op, resolve);
  EXPECT_NEAR(out[0], 0.0f, 1e-5f);   // cos(pi/2)
  EXPECT_NEAR(out[2], 1.0f, 1e-5f);   // sin(pi/2)
  EXPECT_NEAR(out[1], -1.0f, 1e-5f);  // cos(pi)
  EXPECT_NEAR(out[3], 0.0f, 1e-5f);   // sin(pi)
}

// Each malformed form is refused with INVALID_ARGUMENT and leaves the output untouched.
TEST(Abi12Kernels, MalformedFormsAreRefused) {
  std::vector<float> x(8, 1.0f), out(8, 7.0f), other(8, 0.0f);
  const auto refused = [&](const strata_op& op) {
    try {
      strata_cpu::execute(op, resolve);
    } catch (const strata_plugin::Error& error) {
      return error.code() == STRATA_STATUS_INVALID_ARGUMENT && out[0] == 7.0f;
    }
    return false;
  };
  strata_op softcap{};
  softcap.kind = STRATA_OP_SOFTCAP;
  softcap.n_inputs = 1;
  softcap.inputs[0] = view(x, {8});
  softcap.output = view(out, {8});
  for (const float cap : {0.0f, -1.0f, NAN, INFINITY}) {
    softcap.params.softcap.cap = cap;
    EXPECT_TRUE(refused(softcap)) << "cap " << cap;
  }

  strata_op rope{};
  rope.kind = STRATA_OP_ROPE;
  rope.n_inputs = 3;
  rope.inputs[0] = view(x, {1, 2, 4});
  rope.inputs[1] = view(other, {1}, STRATA_DTYPE_I32);
  rope.output = view(out, {1, 2, 4});
  rope.params.rope.rotary_dim = 4;
  rope.inputs[2] = view(other, {3});  // rotary_dim / 2 is 2
  EXPECT_TRUE(refused(rope));
  rope.inputs[2] = view(other, {2}, STRATA_DTYPE_F16);
  EXPECT_TRUE(refused(rope));

  strata_op attention{};
  attention.kind = STRATA_OP_ATTENTION;
  attention.n_inputs = 3;
  attention.inputs[0] = view(x, {1, 1, 4});
  attention.inputs[1] = view(other, {2, 1, 4});
  attention.inputs[2] = view(other, {2, 1, 4});
  attention.output = view(out, {1, 1, 4});
  attention.params.attention.causal = 1;
  attention.params.attention.window = -1;
  EXPECT_TRUE(refused(attention));
  attention.params.attention.window = 2;
  attention.params.attention.causal = 0;  // a window needs causal attention
  EXPECT_TRUE(refused(attention));
  attention.params.attention.window = 0;
  attention.params.attention.softcap = -1.0f;
  EXPECT_TRUE(refused(attention));

  strata_op layer_norm{};
  layer_norm.kind = STRATA_OP_LAYER_NORM;
  layer_norm.n_inputs = 2;
  layer_norm.inputs[0] = view(x, {2, 4});
  layer_norm.inputs[1] = view(other, {4});
  layer_norm.output = view(out, {2, 4});
  layer_norm.params.norm.weight_offset = 1.0f;  // rms_norm's alone
  EXPECT_TRUE(refused(layer_norm));
}

}  // namespace
}  // namespace strata_test
