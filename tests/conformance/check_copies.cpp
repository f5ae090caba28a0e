// Host writes, host reads and device copies at offsets and sizes that fit no alignment: every
// byte lands where it should and no byte around it changes.
#include "case_data.hpp"
#include "check_support.hpp"
#include "device_checks.hpp"

#include <cstring>
#include <utility>

namespace strata_cts {
namespace {

std::vector<std::byte> random_bytes(Random& random, std::size_t n) {
  std::vector<std::byte> bytes(n);
  for (std::byte& b : bytes) b = static_cast<std::byte>(random.next() & 0xff);
  return bytes;
}

void expect_same(const std::vector<std::byte>& want, const std::vector<std::byte>& got, const char* what) {
  for (std::size_t i = 0; i < want.size(); ++i)
    expect(want[i] == got[i], "{}: byte {} is {:#04x}, expected {:#04x}", what, i, static_cast<int>(got[i]),
           static_cast<int>(want[i]));
}

}  // namespace

void check_copies(const TestContext& context) {
  const strata::Device& device = context.device;
  const std::uint64_t size = (context.options.set == CaseSet::full ? (64u << 20) : (1u << 20)) + 13;
  Random random(context.options.seed ^ 0xc0b1e5ull);
  strata::Queue queue = device.create_queue();
  strata::Buffer a = device.allocate(size), b = device.allocate(size);

  std::vector<std::byte> mirror_a = random_bytes(random, size);
  queue.write(a, 0, mirror_a);
  const std::pair<std::uint64_t, std::uint64_t> writes[] = {{1, 1},        {3, 2},         {7, 13}, {4093, 4097},
                                                            {size - 5, 5}, {12345, 65537}, {0, 3}};
  for (const auto& [offset, bytes] : writes) {
    const std::vector<std::byte> data = random_bytes(random, bytes);
    queue.write(a, offset, data);
    std::memcpy(mirror_a.data() + offset, data.data(), bytes);
  }
  std::vector<std::byte> got(size);
  queue.read(a, 0, got);
  expect_same(mirror_a, got, "after writes at odd offsets");

  const std::pair<std::uint64_t, std::uint64_t> reads[] = {{5, 3}, {size - 1, 1}, {8191, 10007}, {1, size - 1}};
  for (const auto& [offset, bytes] : reads) {
    std::vector<std::byte> part(bytes);
    queue.read(a, offset, part);
    const std::vector<std::byte> want(mirror_a.begin() + static_cast<std::ptrdiff_t>(offset),
                                      mirror_a.begin() + static_cast<std::ptrdiff_t>(offset + bytes));
    expect_same(want, part, "a read at an odd offset");
  }

  std::vector<std::byte> mirror_b = random_bytes(random, size);
  queue.write(b, 0, mirror_b);
  struct DeviceCopy {
    std::uint64_t from, to, bytes;
  };
  const DeviceCopy copies[] = {{3, 17, 100003}, {0, size - 7, 7}, {size - 1, 0, 1}, {4095, 4097, 1 << 16}};
  for (const DeviceCopy& c : copies) {
    queue.copy(a, c.from, b, c.to, c.bytes);
    std::memcpy(mirror_b.data() + c.to, mirror_a.data() + c.from, c.bytes);
  }
  queue.read(b, 0, got);
  expect_same(mirror_b, got, "after device copies at odd offsets");
  queue.read(a, 0, got);
  expect_same(mirror_a, got, "the source of device copies changed");
}

}  // namespace strata_cts
