// Device properties, memory, queues and events of the Vulkan backend, through the C++ API.
#include "vulkan_test_support.hpp"

#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace {

using strata::DType;
using strata::Shape;
using strata::TensorView;

template <typename T>
std::vector<T> read_all(strata::Queue& queue, const strata::Buffer& buffer, std::size_t count,
                        std::uint64_t offset = 0) {
  std::vector<T> values(count);
  queue.read(buffer, offset, std::as_writable_bytes(std::span<T>(values)));
  return values;
}

template <typename T>
void write_all(strata::Queue& queue, const strata::Buffer& buffer, const std::vector<T>& values,
               std::uint64_t offset = 0) {
  queue.write(buffer, offset, std::as_bytes(std::span<const T>(values)));
}

std::vector<float> iota_floats(std::size_t n, float scale) {
  std::vector<float> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = scale * std::sin(static_cast<float>(i) * 0.37f + 0.1f);
  return values;
}

TEST(VulkanDevice, PropertiesAreTruthful) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::DeviceInfo& info = vulkan.info();
  EXPECT_EQ(info.backend, "vulkan");
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.stable_id.empty());
  ASSERT_TRUE(info.uuid.has_value()) << "VkPhysicalDeviceIDProperties gives every device a UUID";
  EXPECT_FALSE(info.physical_id().empty());
  if (info.description.find("llvmpipe") != std::string::npos) {
    EXPECT_EQ(info.kind, strata::DeviceKind::cpu) << "lavapipe is a CPU device";
    EXPECT_TRUE(info.caps.unified_memory);
    EXPECT_EQ(info.sharing, strata::DeviceSharing::host_cores) << "lavapipe runs on the host's cores";
    EXPECT_TRUE(info.driver.starts_with("llvmpipe Mesa ")) << info.driver;  // driverName + driverInfo
  }
  const strata::DeviceSharing want_sharing = info.kind == strata::DeviceKind::cpu ? strata::DeviceSharing::host_cores
                                             : info.kind == strata::DeviceKind::igpu
                                                 ? strata::DeviceSharing::host_memory
                                                 : strata::DeviceSharing::none;
  EXPECT_EQ(info.sharing, want_sharing);
  EXPECT_FALSE(info.sharing_inferred);
  EXPECT_FALSE(info.driver.empty());
  for (DType dtype : {DType::f32, DType::f16, DType::bf16, DType::i32}) EXPECT_TRUE(info.stores(dtype));
  EXPECT_TRUE(info.caps.async);
  EXPECT_TRUE(info.caps.events);
  ASSERT_TRUE(info.memory_total.has_value());
  ASSERT_TRUE(info.memory_free.has_value());
  EXPECT_GT(*info.memory_total, 0u);
  EXPECT_LE(*info.memory_free, *info.memory_total);

  // The same device again in a second runtime: same identity.
  auto again = vulkan_test::make_runtime();
  const strata::DeviceInfo& info2 = again.device("vulkan:0").info();
  EXPECT_EQ(info2.stable_id, info.stable_id);
  EXPECT_EQ(info2.physical_id(), info.physical_id());
}

TEST(VulkanMemory, AllocationsBeyondTheDeviceAreOutOfMemory) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const std::uint64_t total = *vulkan.info().memory_total;
  for (std::uint64_t size : {std::uint64_t{1} << 50, total + 1}) {
    try {
      strata::Buffer buffer = vulkan.allocate(size);
      FAIL() << size << " bytes were allocated";
    } catch (const strata::Error& error) {
      EXPECT_EQ(error.code(), strata::StatusCode::out_of_memory) << error.what();
    }
  }
  // The device still works afterwards.
  strata::Buffer small = vulkan.allocate(64);
  strata::Queue queue = vulkan.create_queue();
  write_all<float>(queue, small, {1, 2, 3});
  EXPECT_EQ(read_all<float>(queue, small, 3), (std::vector<float>{1, 2, 3}));
}

TEST(VulkanMemory, FreeMemoryFollowsAllocations) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  constexpr std::uint64_t size = 64ull << 20;
  const std::uint64_t before = *vulkan.memory().free;
  std::uint64_t during = 0;
  {
    strata::Buffer buffer = vulkan.allocate(size);
    during = *vulkan.memory().free;
    EXPECT_LE(during + size / 2, before) << "a 64 MiB buffer shows in the free memory";
  }
  EXPECT_GE(*vulkan.memory().free, during + size / 2) << "and comes back when freed";
}

TEST(VulkanMemory, FreeingABufferWhileItsWorkIsQueuedIsSafe) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  strata::Buffer out = vulkan.allocate(4 * 4096);
  {
    strata::Buffer in = vulkan.allocate(4 * 4096);
    write_all(queue, in, iota_floats(4096, 2.0f));
    queue.submit(
        strata::ops::silu(TensorView{&in, 0, DType::f32, Shape{4096}}, TensorView{&out, 0, DType::f32, Shape{4096}}));
  }  // `in` is freed here, its op possibly still running
  queue.finish();
  const std::vector<float> got = read_all<float>(queue, out, 4096);
  const std::vector<float> x = iota_floats(4096, 2.0f);
  for (std::size_t i = 0; i < x.size(); i += 97) EXPECT_NEAR(got[i], x[i] / (1 + std::exp(-x[i])), 1e-6);
  // Once more, and this time the queue and the runtime go away without a finish in between.
  strata::Buffer in = vulkan.allocate(4 * 4096);
  write_all(queue, in, x);
  // Keep the device busy for a while (a 64 x 64 x 4096 matmul reading `in`) so that `in` is
  // surely still in use when it is freed. The weight's contents do not matter.
  strata::Buffer weight = vulkan.allocate(4 * 4096 * 64), product = vulkan.allocate(4 * 64 * 4096);
  queue.submit(strata::ops::matmul(TensorView{&in, 0, DType::f32, Shape{64, 64}},
                                   TensorView{&weight, 0, DType::f32, Shape{4096, 64}}, std::nullopt,
                                   TensorView{&product, 0, DType::f32, Shape{64, 4096}}));
  queue.submit(
      strata::ops::silu(TensorView{&in, 0, DType::f32, Shape{4096}}, TensorView{&out, 0, DType::f32, Shape{4096}}));
  in = strata::Buffer();
}

TEST(VulkanQueue, LargeTransfersStreamThroughStaging) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  // More than all staging chunks of a queue together (4 x 16 MiB), at an odd offset.
  constexpr std::size_t count = (72u << 20) / 4;
  std::vector<std::uint32_t> values(count);
  std::iota(values.begin(), values.end(), 12345u);
  strata::Buffer buffer = vulkan.allocate(count * 4 + 8);
  write_all(queue, buffer, values, 3);
  const std::vector<std::uint32_t> back = read_all<std::uint32_t>(queue, buffer, count, 3);
  EXPECT_TRUE(back == values);
}

TEST(VulkanQueue, CopiesIncludingOverlappingOnesActLikeMemmove) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  std::vector<std::uint8_t> model(1000);
  std::iota(model.begin(), model.end(), std::uint8_t{0});
  strata::Buffer a = vulkan.allocate(model.size());
  strata::Buffer b = vulkan.allocate(model.size());
  write_all(queue, a, model);
  queue.copy(a, 10, b, 3, 500);
  queue.copy(a, 0, a, 7, 600);      // forwards over itself
  queue.copy(a, 300, a, 250, 400);  // backwards over itself
  std::vector<std::uint8_t> expected_b(model.size());
  std::vector<std::uint8_t> expected_a = model;
  std::memmove(expected_a.data() + 7, expected_a.data(), 600);
  std::memmove(expected_a.data() + 250, expected_a.data() + 300, 400);
  const std::vector<std::uint8_t> got_b = read_all<std::uint8_t>(queue, b, model.size());
  EXPECT_TRUE(std::equal(got_b.begin() + 3, got_b.begin() + 503, model.begin() + 10));
  EXPECT_TRUE(read_all<std::uint8_t>(queue, a, model.size()) == expected_a);
}

// queue_copy takes a compute shader when offsets and size are multiples of 4 (16-byte vectors
// when both ends are 16-byte aligned, words otherwise) and vkCmdCopyBuffer for the rest; every
// case must move exactly its bytes, leaving the bytes around the destination untouched.
TEST(VulkanQueue, CopiesAtAnyOffsetAndSizeMoveExactlyTheirBytes) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  constexpr std::size_t bytes = 4096;
  std::vector<std::uint8_t> source(bytes), background(bytes);
  for (std::size_t i = 0; i < bytes; ++i) {
    source[i] = static_cast<std::uint8_t>(i * 7 + 1);
    background[i] = static_cast<std::uint8_t>(0xa5 ^ i);
  }
  strata::Buffer a = vulkan.allocate(bytes);
  strata::Buffer b = vulkan.allocate(bytes);
  write_all(queue, a, source);
  struct Case {
    std::size_t src, dst, size;
  };
  const Case cases[] = {
      {0, 0, 4096},    // vectors, no tail
      {16, 48, 1000},  // vectors and a 2-word tail
      {32, 0, 12},     // fewer words than one vector
      {4, 8, 2000},    // words: ends not 16-byte aligned
      {12, 100, 4},    // one word
      {1, 0, 64},      // bytes: odd source offset
      {0, 3, 65},      // bytes: odd destination offset and size
      {8, 16, 6},      // bytes: size not a multiple of 4
  };
  for (const Case& c : cases) {
    write_all(queue, b, background);
    queue.copy(a, c.src, b, c.dst, c.size);
    std::vector<std::uint8_t> expected = background;
    std::memcpy(expected.data() + c.dst, source.data() + c.src, c.size);
    EXPECT_TRUE(read_all<std::uint8_t>(queue, b, bytes) == expected)
        << "src " << c.src << " dst " << c.dst << " size " << c.size;
  }
  // Overlapping, aligned: through the scratch buffer by the shader, like memmove.
  std::vector<std::uint8_t> expected = source;
  queue.copy(a, 0, a, 16, 2048);
  std::memmove(expected.data() + 16, expected.data(), 2048);
  queue.copy(a, 1024, a, 1020, 1000);
  std::memmove(expected.data() + 1020, expected.data() + 1024, 1000);
  EXPECT_TRUE(read_all<std::uint8_t>(queue, a, bytes) == expected);
}

// A long submit is recorded and submitted in pieces (so the GPU starts early): a chain of
// hundreds of dependent ops in one call must still run in order.
TEST(VulkanQueue, LongSubmitsSplitIntoPiecesStayInOrder) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  constexpr std::int64_t n = 100;
  constexpr int steps = 300;
  strata::Buffer x = vulkan.allocate(4 * n);
  strata::Buffer one = vulkan.allocate(4 * n);
  write_all(queue, x, std::vector<float>(n, 0.0f));
  write_all(queue, one, std::vector<float>(n, 1.0f));
  const TensorView vx{&x, 0, DType::f32, Shape{n}}, vone{&one, 0, DType::f32, Shape{n}};
  std::vector<strata::Op> ops;
  for (int i = 0; i < steps; ++i) ops.push_back(strata::ops::add(vx, vone, vx));
  queue.submit(ops);
  EXPECT_TRUE(read_all<float>(queue, x, n) == std::vector<float>(n, static_cast<float>(steps)));
}

// A layer-like chain in one submit (so in one command buffer, with barriers only where ops
// depend on each other), against the CPU running the same chain.
TEST(VulkanQueue, DependentOpsInOneSubmitMatchTheCpu) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const strata::Device cpu = runtime.device("cpu");
  constexpr std::int64_t m = 3, k = 96, n = 64;
  const std::vector<float> x = iota_floats(m * k, 1.0f);
  const std::vector<float> w = iota_floats(n * k, 0.2f);
  const std::vector<float> norm_weight = iota_floats(n, 1.5f);
  auto run = [&](const strata::Device& device) {
    strata::Queue queue = device.create_queue();
    strata::Buffer bx = device.allocate(4 * m * k), bw = device.allocate(4 * n * k), bn = device.allocate(4 * n);
    strata::Buffer h = device.allocate(4 * m * n), g = device.allocate(4 * m * n), out = device.allocate(4 * m * n);
    write_all(queue, bx, x);
    write_all(queue, bw, w);
    write_all(queue, bn, norm_weight);
    const TensorView vx{&bx, 0, DType::f32, Shape{m, k}}, vw{&bw, 0, DType::f32, Shape{n, k}};
    const TensorView vn{&bn, 0, DType::f32, Shape{n}}, vh{&h, 0, DType::f32, Shape{m, n}};
    const TensorView vg{&g, 0, DType::f32, Shape{m, n}}, vo{&out, 0, DType::f32, Shape{m, n}};
    const std::vector<strata::Op> ops = {
        strata::ops::matmul(vx, vw, std::nullopt, vh),  // h = x w^T
        strata::ops::rms_norm(vh, vn, vg, 1e-6f),       // g = norm(h)
        strata::ops::silu(vh, vo),                      // independent of g
        strata::ops::silu_mul(vg, vo, vg),              // g = silu(g) * out (in place)
        strata::ops::add(vg, vh, vo),                   // out = g + h (overwrites what silu_mul read)
        strata::ops::softmax(vo, vo, 0.5f),             // in place
    };
    queue.submit(std::span<const strata::Op>(ops));
    return read_all<float>(queue, out, m * n);
  };
  const std::vector<float> got = run(vulkan);
  const std::vector<float> want = run(cpu);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << i;
}

TEST(VulkanQueue, InvalidOpInASubmitEnqueuesNothing) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  strata::Buffer buffer = vulkan.allocate(64);
  write_all<float>(queue, buffer, {-1, -2, -3, -4});
  const TensorView four{&buffer, 0, DType::f32, Shape{4}};
  const TensorView five{&buffer, 0, DType::f32, Shape{5}};
  const std::vector<strata::Op> ops = {strata::ops::silu(four, four), strata::ops::silu(four, five)};
  EXPECT_THROW(queue.submit(std::span<const strata::Op>(ops)), strata::Error);
  EXPECT_EQ(read_all<float>(queue, buffer, 4), (std::vector<float>{-1, -2, -3, -4}));
  // A tensor running past its buffer is refused too.
  const TensorView past{&buffer, 60, DType::f32, Shape{2}};
  EXPECT_THROW(queue.submit(strata::ops::silu(past, past)), strata::Error);
}

TEST(VulkanQueue, EmbeddingIdOutsideTheTableFailsALaterCall) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue queue = vulkan.create_queue();
  strata::Buffer table = vulkan.allocate(4 * 10 * 4), ids = vulkan.allocate(4 * 3), out = vulkan.allocate(4 * 3 * 4);
  write_all(queue, table, iota_floats(40, 1.0f));
  write_all<std::int32_t>(queue, ids, {1, 10, -1});
  queue.submit(strata::ops::embedding(TensorView{&table, 0, DType::f32, Shape{10, 4}},
                                      TensorView{&ids, 0, DType::i32, Shape{3}},
                                      TensorView{&out, 0, DType::f32, Shape{3, 4}}));
  try {
    queue.finish();
    FAIL() << "ids 10 and -1 of a 10-row table went unnoticed";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::invalid_argument) << error.what();
  }
  EXPECT_NO_THROW(queue.finish()) << "the error is reported once";
  const std::vector<float> got = read_all<float>(queue, out, 12);
  const std::vector<float> table_values = iota_floats(40, 1.0f);
  for (int d = 0; d < 4; ++d) EXPECT_EQ(got[d], table_values[4 + d]) << "the valid id still gathers";
}

TEST(VulkanQueue, SupportsEveryOpOfTheSet) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  const TensorView x{nullptr, 0, DType::f32, Shape{2, 8}};
  const TensorView w{nullptr, 0, DType::f16, Shape{8}};
  const TensorView ids{nullptr, 0, DType::i32, Shape{2}};
  const TensorView q{nullptr, 0, DType::f32, Shape{2, 4, 8}};
  const TensorView cache{nullptr, 0, DType::f16, Shape{6, 2, 8}};
  const TensorView table{nullptr, 0, DType::bf16, Shape{5, 8}};
  const TensorView weight{nullptr, 0, DType::bf16, Shape{3, 8}};
  const TensorView mm_out{nullptr, 0, DType::f32, Shape{2, 3}};
  const std::vector<strata::Op> ops = {
      strata::ops::copy(x, TensorView{nullptr, 0, DType::f16, Shape{16}}),
      strata::ops::add(x, w, x),
      strata::ops::mul(x, x, x),
      strata::ops::silu(x, x),
      strata::ops::gelu(x, x, true),
      strata::ops::silu_mul(x, x, x),
      strata::ops::rms_norm(x, w, x, 1e-5f),
      strata::ops::layer_norm(x, w, w, x, 1e-5f),
      strata::ops::rope(q, ids, q, 10000.0f, 8),
      strata::ops::softmax(x, x, 1.0f),
      strata::ops::matmul(x, weight, std::nullopt, mm_out),
      strata::ops::attention(q, cache, cache, q, 4, 0.3f, true),
      strata::ops::embedding(table, ids, x),
  };
  for (const strata::Op& op : ops) EXPECT_TRUE(vulkan.supports(op)) << "op kind " << op.raw.kind;
  // Beyond what the attention shader handles, and an op that breaks the op-set rules.
  const TensorView wide_q{nullptr, 0, DType::f32, Shape{1, 1, 512}};
  const TensorView wide_cache{nullptr, 0, DType::f32, Shape{4, 1, 512}};
  EXPECT_FALSE(vulkan.supports(strata::ops::attention(wide_q, wide_cache, wide_cache, wide_q, 0, 1.0f)));
  EXPECT_FALSE(vulkan.supports(strata::ops::silu(x, q)));
}

// STRATA_VULKAN_MATMUL picks a queue's matmul shaders. Asking for cooperative matrices where the
// device has none fails the queue's creation, naming the setting and the device, rather than
// quietly running the portable shader; the portable shader can always be asked for.
TEST(VulkanQueue, MatmulEngineComesFromTheEnvironment) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  vulkan_test::ScopedEnv engine("STRATA_VULKAN_MATMUL", "tiled");
  EXPECT_NO_THROW(vulkan.create_queue());
  engine.set("no-such-engine");  // a warning, then the default
  EXPECT_NO_THROW(vulkan.create_queue());
  engine.set("coopmat");
  if (vulkan.info().description.find("llvmpipe") == std::string::npos)
    GTEST_SKIP() << vulkan.info().description << " may have cooperative matrices; the refusal is checked on lavapipe";
  try {
    strata::Queue queue = vulkan.create_queue();
    FAIL() << "lavapipe has no cooperative matrices, yet a queue was made for them";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::unavailable);
    EXPECT_NE(std::string(error.what()).find("STRATA_VULKAN_MATMUL=coopmat"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("llvmpipe"), std::string::npos) << error.what();
  }
}

TEST(VulkanEvents, OrderWorkAcrossTwoQueues) {
  auto runtime = vulkan_test::make_runtime();
  REQUIRE_VULKAN(runtime, vulkan);
  strata::Queue producer = vulkan.create_queue();
  strata::Queue consumer = vulkan.create_queue();
  constexpr std::int64_t n = 1 << 16;
  strata::Buffer a = vulkan.allocate(4 * n), b = vulkan.allocate(4 * n), c = vulkan.allocate(4 * n);
  const std::vector<float> x = iota_floats(n, 3.0f);
  write_all(producer, a, x);
  const TensorView va{&a, 0, DType::f32, Shape{n}}, vb{&b, 0, DType::f32, Shape{n}}, vc{&c, 0, DType::f32, Shape{n}};
  // Enough dependent work on the producer that an unordered consumer would read stale data.
  std::vector<strata::Op> chain;
  chain.push_back(strata::ops::silu(va, vb));
  for (int i = 0; i < 20; ++i) chain.push_back(strata::ops::add(vb, va, vb));
  producer.submit(std::span<const strata::Op>(chain));
  const strata::Event ready = producer.record();
  consumer.wait(ready);
  consumer.submit(strata::ops::mul(vb, vb, vc));
  const std::vector<float> got = read_all<float>(consumer, c, n);
  ready.synchronize();
  for (std::int64_t i = 0; i < n; i += 1013) {
    const double s = x[i] / (1 + std::exp(-static_cast<double>(x[i]))) + 20.0 * x[i];
    EXPECT_NEAR(got[i], s * s, 1e-3 * std::max(1.0, s * s)) << i;
  }
  // An event of a queue with nothing submitted has completed already.
  strata::Queue idle = vulkan.create_queue();
  const strata::Event nothing = idle.record();
  nothing.synchronize();
  consumer.wait(nothing);
  consumer.finish();
}

}  // namespace
