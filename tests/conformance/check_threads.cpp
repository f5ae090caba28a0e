// Several threads use one device at once, each with its own queue and buffers, allocating and
// freeing as they go. Each thread's data is different, so work that lands in another thread's
// buffers shows as a wrong result.
#include "case_data.hpp"
#include "check_support.hpp"
#include "compare.hpp"
#include "device_checks.hpp"
#include "host_reference.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

#include <exception>
#include <mutex>
#include <thread>

namespace strata_cts {
namespace {

constexpr std::int64_t rows = 8, inner = 96, cols = 40;

struct ThreadData {
  std::vector<float> x, w;
  std::vector<double> expected;  // matmul, then doubled by an in-place add
};

ThreadData make_data(std::uint64_t seed) {
  Random random(seed);
  ThreadData d;
  d.x.resize(rows * inner);
  d.w.resize(cols * inner);
  for (float& v : d.x) v = static_cast<float>(random.uniform(-1, 1));
  for (float& v : d.w) v = static_cast<float>(random.uniform(-1, 1));
  OpSpec spec{STRATA_OP_MATMUL,
              {{strata::DType::f32, strata::Shape{rows, inner}}, {strata::DType::f32, strata::Shape{cols, inner}}},
              {strata::DType::f32, strata::Shape{rows, cols}}};
  d.expected =
      host_reference(spec, {std::vector<double>(d.x.begin(), d.x.end()), std::vector<double>(d.w.begin(), d.w.end())});
  for (double& v : d.expected) v = static_cast<double>(static_cast<float>(v) * 2.0f);
  return d;
}

void worker(const strata::Device& device, const ThreadData& data, int iterations) {
  strata::Queue queue = device.create_queue();
  for (int i = 0; i < iterations; ++i) {
    strata::Buffer x = device.allocate(data.x.size() * sizeof(float));
    strata::Buffer w = device.allocate(data.w.size() * sizeof(float));
    strata::Buffer out = device.allocate(static_cast<std::uint64_t>(rows * cols) * sizeof(float));
    const strata::TensorView xv{&x, 0, strata::DType::f32, strata::Shape{rows, inner}};
    const strata::TensorView wv{&w, 0, strata::DType::f32, strata::Shape{cols, inner}};
    const strata::TensorView ov{&out, 0, strata::DType::f32, strata::Shape{rows, cols}};
    write_floats(queue, x, data.x);
    write_floats(queue, w, data.w);
    const strata::Op ops[] = {strata::ops::matmul(xv, wv, std::nullopt, ov), strata::ops::add(ov, ov, ov)};
    queue.submit(ops);
    const std::vector<float> got = read_floats(queue, out, static_cast<std::size_t>(rows * cols));
    const Comparison c = compare(data.expected, std::vector<double>(got.begin(), got.end()), {1e-8, 1e-4});
    expect(c.pass, "iteration {}: {}", i, c.problem);
  }
}

}  // namespace

void check_threads(const TestContext& context) {
  const strata::Device& device = context.device;
  {
    strata::Buffer x = device.allocate(rows * inner * 4), w = device.allocate(cols * inner * 4),
                   out = device.allocate(rows * cols * 4);
    const strata::TensorView xv{&x, 0, strata::DType::f32, strata::Shape{rows, inner}};
    const strata::TensorView wv{&w, 0, strata::DType::f32, strata::Shape{cols, inner}};
    const strata::TensorView ov{&out, 0, strata::DType::f32, strata::Shape{rows, cols}};
    if (!device.supports(strata::ops::matmul(xv, wv, std::nullopt, ov)) ||
        !device.supports(strata::ops::add(ov, ov, ov)))
      throw CheckSkipped("the device does not support f32 matmul and add, which this check uses");
  }
  const int threads = context.options.threads;
  const int iterations = context.options.set == CaseSet::full ? 200 : 25;
  std::vector<ThreadData> data;
  for (int t = 0; t < threads; ++t)
    data.push_back(make_data(context.options.seed + 1000 + static_cast<std::uint64_t>(t)));

  std::mutex mutex;
  std::string first_error;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        worker(device, data[static_cast<std::size_t>(t)], iterations);
      } catch (const std::exception& error) {
        const std::lock_guard lock(mutex);
        if (first_error.empty()) first_error = fmt::format("thread {}: {}", t, error.what());
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  expect(first_error.empty(), "{}", first_error);
}

}  // namespace strata_cts
