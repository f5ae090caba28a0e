// Refusals through the C++ API: invalid ops name the op, a bad batch runs nothing, a bad
// embedding id fails without touching the output, and no access leaves its buffer.
#include <strata/strata.hpp>

#include "api_helpers.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace strata_test {
namespace {

class CpuErrorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = std::make_unique<strata::Runtime>(); }
  static void TearDownTestSuite() { runtime_.reset(); }
  void SetUp() override {
    cpu_ = runtime_->device("cpu");
    queue_ = cpu_->create_queue();
  }
  static std::unique_ptr<strata::Runtime> runtime_;
  std::optional<strata::Device> cpu_;
  strata::Queue queue_;
};
std::unique_ptr<strata::Runtime> CpuErrorTest::runtime_;

// Runs `call`, which must throw strata::Error with `code` and a message containing `words`.
void expect_error(const std::function<void()>& call, strata::StatusCode code, const std::string& words) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one mentioning '" << words << "'";
  } catch (const strata::Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST_F(CpuErrorTest, InvalidOpsAreRefusedNamingTheOp) {
  strata::Tensor x(*cpu_, strata::DType::f32, strata::Shape{3, 4});
  strata::Tensor y(*cpu_, strata::DType::f32, strata::Shape{4, 3});
  strata::Tensor h(*cpu_, strata::DType::f16, strata::Shape{3, 4});
  strata::Tensor w(*cpu_, strata::DType::f32, strata::Shape{5, 3});
  strata::Tensor q(*cpu_, strata::DType::f32, strata::Shape{1, 3, 4});
  strata::Tensor kv(*cpu_, strata::DType::f32, strata::Shape{2, 2, 4});
  strata::Tensor ids(*cpu_, strata::DType::i32, strata::Shape{3});
  const auto refused = [&](const strata::Op& op, const std::string& name) {
    expect_error([&] { queue_.submit(op); }, strata::StatusCode::invalid_argument, name);
  };
  refused(strata::ops::softmax(x, y), "softmax");
  refused(strata::ops::silu(h, h), "silu");
  refused(strata::ops::matmul(x, w, std::nullopt, x), "matmul");        // K disagrees
  refused(strata::ops::attention(q, kv, kv, q, 0, 1.0f), "attention");  // 3 heads over 2 kv heads
  refused(strata::ops::copy(x, ids), "copy");                           // f32 -> i32
  refused(strata::ops::rms_norm(x, x, x, 1e-6f), "rms_norm");           // weight [3,4] for rows of 4
  refused(strata::ops::embedding(x, ids, y), "embedding");              // output must be [3, 4]
  refused(strata::ops::rope(q, ids, q, 10000.0f, 6), "rope");           // rotary_dim > head_dim
}

TEST_F(CpuErrorTest, ABadOpInABatchRunsNothing) {
  strata::Tensor x(*cpu_, strata::DType::f32, strata::Shape{4});
  strata::Tensor wrong(*cpu_, strata::DType::f32, strata::Shape{5});
  const std::vector<float> values = {1, 2, 3, 4};
  queue_.write(x.view(), std::span<const float>(values));
  const strata::Op batch[] = {strata::ops::add(x, x, x), strata::ops::silu(x, wrong)};
  expect_error([&] { queue_.submit(batch); }, strata::StatusCode::invalid_argument, "silu");
  std::vector<float> got(4);
  queue_.read(x.view(), std::span<float>(got));
  EXPECT_EQ(got, values) << "the valid first op of a refused batch ran";
}

TEST_F(CpuErrorTest, EmbeddingIdOutOfRangeFailsAndLeavesTheOutput) {
  strata::Tensor table(*cpu_, strata::DType::bf16, strata::Shape{10, 3});
  strata::Tensor ids(*cpu_, strata::DType::i32, strata::Shape{2});
  strata::Tensor out(*cpu_, strata::DType::f32, strata::Shape{2, 3});
  const std::vector<float> sentinel(6, -7.0f);
  queue_.write(out.view(), std::span<const float>(sentinel));
  for (std::int32_t bad : {10, -1, 1 << 30}) {
    const std::vector<std::int32_t> id_values = {3, bad};
    queue_.write(ids.view(), std::span<const std::int32_t>(id_values));
    expect_error(
        [&] {
          queue_.submit(strata::ops::embedding(table, ids, out));
          queue_.finish();
        },
        strata::StatusCode::invalid_argument, "embedding");
    std::vector<float> got(6);
    queue_.read(out.view(), std::span<float>(got));
    EXPECT_EQ(got, sentinel) << "id " << bad;
  }
}

TEST_F(CpuErrorTest, TensorsOverrunningTheirBufferAreRefused) {
  strata::Buffer buffer = cpu_->allocate(64);  // room for 16 floats
  const strata::TensorView whole{&buffer, 0, strata::DType::f32, strata::Shape{16}};
  const strata::TensorView too_long{&buffer, 0, strata::DType::f32, strata::Shape{17}};
  const strata::TensorView shifted{&buffer, 8, strata::DType::f32, strata::Shape{15}};
  const strata::TensorView first{&buffer, 0, strata::DType::f32, strata::Shape{1}};
  const strata::TensorView past_end{&buffer, 128, strata::DType::f32, strata::Shape{1}};
  expect_error([&] { queue_.submit(strata::ops::silu(too_long, too_long)); }, strata::StatusCode::invalid_argument,
               "overrun");
  expect_error([&] { queue_.submit(strata::ops::silu(shifted, shifted)); }, strata::StatusCode::invalid_argument,
               "overrun");
  expect_error([&] { queue_.submit(strata::ops::copy(first, past_end)); }, strata::StatusCode::invalid_argument,
               "overrun");
  queue_.submit(strata::ops::silu(whole, whole));  // exactly fitting is fine
}

TEST_F(CpuErrorTest, MisalignedImportedTensorsAreRefusedWhenSubmitted) {
  alignas(16) std::byte memory[64] = {};
  // Any address can be imported; an f32 tensor that lands on an odd address cannot be computed.
  strata::Buffer buffer = cpu_->import_host(memory + 1, 32);
  const strata::TensorView f32{&buffer, 0, strata::DType::f32, strata::Shape{4}};
  expect_error([&] { queue_.submit(strata::ops::silu(f32, f32)); }, strata::StatusCode::invalid_argument, "aligned");
  const std::byte bytes[8] = {};
  queue_.write(buffer, 3, bytes);  // plain transfers do not care
}

TEST_F(CpuErrorTest, TransfersOutsideTheBufferAreRefused) {
  strata::Buffer a = cpu_->allocate(32);
  strata::Buffer b = cpu_->allocate(32);
  std::vector<std::byte> bytes(33);
  const auto code = strata::StatusCode::invalid_argument;
  expect_error([&] { queue_.write(a, 0, bytes); }, code, "overrun");
  expect_error([&] { queue_.write(a, 1, std::span(bytes).first(32)); }, code, "overrun");
  expect_error([&] { queue_.read(a, 40, std::span(bytes).first(1)); }, code, "overrun");
  expect_error([&] { queue_.read(a, 0, bytes); }, code, "overrun");
  expect_error([&] { queue_.copy(a, 16, b, 0, 17); }, code, "overrun");
  expect_error([&] { queue_.copy(a, 0, b, 31, 2); }, code, "overrun");
  expect_error([&] { queue_.copy(a, std::numeric_limits<std::uint64_t>::max(), b, 0, 2); }, code, "overrun");
  queue_.write(a, 0, std::span(bytes).first(32));  // exactly fitting is fine
  queue_.copy(a, 0, b, 0, 32);
}

}  // namespace
}  // namespace strata_test
