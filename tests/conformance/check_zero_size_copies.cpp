// Copies of zero bytes (backend.h: valid, and they do nothing) at the start and at the very end of
// a buffer: every one succeeds, and no byte changes.
#include "check_support.hpp"
#include "device_checks.hpp"

namespace strata_cts {

void check_zero_size_copies(const TestContext& context) {
  const strata::Device& device = context.device;
  constexpr std::uint64_t size = 64;
  strata::Queue queue = device.create_queue();
  strata::Buffer a = device.allocate(size), b = device.allocate(size);
  std::vector<std::byte> pattern(size);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::byte>(i * 7 + 1);
  queue.write(a, 0, pattern);
  queue.write(b, 0, pattern);

  std::vector<std::byte> nothing;
  for (const std::uint64_t offset : {std::uint64_t{0}, size}) {
    queue.write(a, offset, nothing);
    queue.read(a, offset, nothing);
    queue.copy(a, offset, b, size - offset, 0);
  }
  queue.finish();
  std::vector<std::byte> now(size);
  for (const strata::Buffer* buffer : {&a, &b}) {
    queue.read(*buffer, 0, now);
    expect(now == pattern, "a copy of zero bytes changed the buffer");
  }
}

}  // namespace strata_cts
