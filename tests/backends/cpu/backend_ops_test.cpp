// Every op case through the C++ API and the cpu plugin: tensors in device buffers between
// guard bands, ops built with strata::ops, results read back through a queue.
#include <strata/strata.hpp>

#include "api_helpers.hpp"
#include "op_case.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace strata_test {
namespace {

constexpr std::uint64_t guard_bytes = 64;
constexpr std::byte guard_value{0xA5};

class BackendOpTest : public ::testing::TestWithParam<OpFamily> {
 protected:
  static void SetUpTestSuite() { runtime_ = std::make_unique<strata::Runtime>(); }
  static void TearDownTestSuite() { runtime_.reset(); }
  static std::unique_ptr<strata::Runtime> runtime_;
};
std::unique_ptr<strata::Runtime> BackendOpTest::runtime_;

// A device buffer of `size` bytes between two guard bands, holding `bytes` (or `fill` when
// bytes is empty).
strata::Buffer guarded_buffer(const strata::Device& device, strata::Queue& queue, std::uint64_t size,
                              std::span<const std::byte> bytes, std::byte fill) {
  strata::Buffer buffer = device.allocate(size + 2 * guard_bytes);
  std::vector<std::byte> image(buffer.size(), guard_value);
  std::fill(image.begin() + guard_bytes, image.end() - guard_bytes, fill);
  std::copy(bytes.begin(), bytes.end(), image.begin() + guard_bytes);
  queue.write(buffer, 0, image);
  return buffer;
}

strata::Op build_op(const OpCase& c, const std::vector<strata::TensorView>& in, const strata::TensorView& out) {
  const strata_op& p = c.params;
  switch (c.kind) {
    case STRATA_OP_COPY:
      return strata::ops::copy(in[0], out);
    case STRATA_OP_ADD:
      return strata::ops::add(in[0], in[1], out);
    case STRATA_OP_MUL:
      return strata::ops::mul(in[0], in[1], out);
    case STRATA_OP_SILU:
      return strata::ops::silu(in[0], out);
    case STRATA_OP_GELU:
      return strata::ops::gelu(in[0], out, p.params.gelu.approximate != 0);
    case STRATA_OP_SILU_MUL:
      return strata::ops::silu_mul(in[0], in[1], out);
    case STRATA_OP_RMS_NORM:
      return strata::ops::rms_norm(in[0], in[1], out, p.params.norm.eps, p.params.norm.weight_offset);
    case STRATA_OP_LAYER_NORM:
      return strata::ops::layer_norm(in[0], in[1], in.size() == 3 ? std::optional(in[2]) : std::nullopt, out,
                                     p.params.norm.eps);
    case STRATA_OP_ROPE:
      if (in.size() == 3) return strata::ops::rope(in[0], in[1], in[2], out, p.params.rope.rotary_dim);
      return strata::ops::rope(in[0], in[1], out, p.params.rope.theta, p.params.rope.rotary_dim);
    case STRATA_OP_SOFTMAX:
      return strata::ops::softmax(in[0], out, p.params.softmax.scale);
    case STRATA_OP_MATMUL:
      return strata::ops::matmul(in[0], in[1], in.size() == 3 ? std::optional(in[2]) : std::nullopt, out);
    case STRATA_OP_ATTENTION:
      return strata::ops::attention(in[0], in[1], in[2], out, p.params.attention.n_past, p.params.attention.scale,
                                    p.params.attention.causal != 0, p.params.attention.window,
                                    p.params.attention.softcap);
    case STRATA_OP_SCALE:
      return strata::ops::scale(in[0], out, p.params.scale.factor);
    case STRATA_OP_SOFTCAP:
      return strata::ops::softcap(in[0], out, p.params.softcap.cap);
    default:
      return strata::ops::embedding(in[0], in[1], out);
  }
}

bool guards_intact(const std::vector<std::byte>& image) {
  for (std::uint64_t i = 0; i < guard_bytes; ++i)
    if (image[i] != guard_value || image[image.size() - 1 - i] != guard_value) return false;
  return true;
}

void run_case(const strata::Device& cpu, const OpCase& c) {
  SCOPED_TRACE(c.name);
  strata::Queue queue = cpu.create_queue();
  std::vector<strata::Buffer> buffers;
  std::vector<strata::TensorView> views;
  buffers.reserve(c.inputs.size() + 1);  // views point at the buffers
  for (const HostTensor& t : c.inputs) {
    buffers.push_back(guarded_buffer(cpu, queue, t.bytes.size(), t.bytes, std::byte{0}));
    views.push_back({&buffers.back(), guard_bytes, to_dtype(t.dtype), to_shape(t.shape)});
  }
  strata::TensorView out = views[0];
  if (!c.out_over_input0) {
    const std::uint64_t size = static_cast<std::uint64_t>(element_count(c.out_shape)) * element_size(c.out_dtype);
    buffers.push_back(guarded_buffer(cpu, queue, size, {}, std::byte{0x7f}));
    out = {&buffers.back(), guard_bytes, to_dtype(c.out_dtype), to_shape(c.out_shape)};
  }

  const strata::Op op = build_op(c, views, out);
  EXPECT_TRUE(cpu.supports(op));
  queue.submit(op);
  queue.finish();

  const std::vector<std::byte> image = read_all(queue, *out.buffer);
  EXPECT_TRUE(output_matches(c, decode(c.out_dtype, image.data() + guard_bytes, element_count(c.out_shape))));
  EXPECT_TRUE(guards_intact(image)) << "wrote outside the output";
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    const std::vector<std::byte> input = read_all(queue, buffers[i]);
    EXPECT_TRUE(guards_intact(input)) << "wrote outside input " << i;
    if (i != 0 || !c.out_over_input0) {
      EXPECT_TRUE(std::equal(c.inputs[i].bytes.begin(), c.inputs[i].bytes.end(), input.begin() + guard_bytes))
          << "input " << i << " changed";
    }
  }
}

TEST_P(BackendOpTest, MatchesNaiveReference) {
  const strata::Device cpu = runtime_->device("cpu");
  for (const OpCase& c : GetParam().cases()) run_case(cpu, c);
}

std::string family_name(const ::testing::TestParamInfo<OpFamily>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(Families, BackendOpTest, ::testing::ValuesIn(op_families()), family_name);

}  // namespace
}  // namespace strata_test
