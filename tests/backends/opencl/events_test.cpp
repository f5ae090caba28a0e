// Events order work across two queues of one device: a waits-for edge (queue_wait_event)
// and a host wait (event_synchronize).
#include "opencl_fixture.hpp"

#include <cstring>

namespace opencl_test {
namespace {

constexpr std::int64_t kElements = 1 << 18;
constexpr int kRounds = 40;

std::vector<float> small_integers() {
  std::vector<float> values(kElements);
  for (std::int64_t i = 0; i < kElements; ++i) values[i] = static_cast<float>(i % 9 - 4);
  return values;
}

// On `queue`: y = 0, then y += x kRounds times, so y = kRounds * x exactly when all is done.
void enqueue_accumulation(strata::Queue& queue, const strata::Tensor& x, const strata::Tensor& y) {
  queue.write(x.view(), std::span<const float>(small_integers()));
  queue.write(y.view(), std::span<const float>(std::vector<float>(kElements, 0.0f)));
  std::vector<strata::Op> ops;
  for (int i = 0; i < kRounds; ++i) ops.push_back(strata::ops::add(y, x, y));
  queue.submit(ops);
}

void expect_accumulated(const std::vector<float>& got) {
  const std::vector<float> x = small_integers();
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < kElements; ++i) wrong += got[i] != kRounds * x[i] ? 1 : 0;
  EXPECT_EQ(wrong, 0) << "elements read before the producing queue finished";
}

TEST_F(OpenCLTest, AQueueWaitsForAnEventOfAnotherQueue) {
  strata::Queue producer = device().create_queue();
  strata::Queue consumer = device().create_queue();
  strata::Tensor x(device(), strata::DType::f32, {kElements});
  strata::Tensor y(device(), strata::DType::f32, {kElements});
  strata::Tensor z(device(), strata::DType::f32, {kElements});
  enqueue_accumulation(producer, x, y);
  const strata::Event done = producer.record();
  consumer.wait(done);
  consumer.copy(y.buffer(), 0, z.buffer(), 0, y.bytes());
  std::vector<float> got(kElements);
  consumer.read(z.view(), std::span<float>(got));
  expect_accumulated(got);
}

TEST_F(OpenCLTest, EventSynchronizeWaitsForTheWorkBeforeIt) {
  strata::Queue producer = device().create_queue();
  strata::Queue reader = device().create_queue();
  strata::Tensor x(device(), strata::DType::f32, {kElements});
  strata::Tensor y(device(), strata::DType::f32, {kElements});
  enqueue_accumulation(producer, x, y);
  producer.record().synchronize();
  std::vector<float> got(kElements);
  reader.read(y.view(), std::span<float>(got));
  expect_accumulated(got);
}

}  // namespace
}  // namespace opencl_test
