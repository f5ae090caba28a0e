// Memory comes back: after rounds of allocating and freeing, the device reports as much free
// memory as before. The rounds multiply any leak so that it stands out from the noise of other
// users of the memory. Free memory of a CPU or unified-memory device is the whole system's,
// which other processes move by hundreds of MiB, so there only a leak of half of what was
// allocated counts; a discrete device must come back to within one chunk. A measurement that
// fails is repeated: a real leak repeats, noise does not.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <strata/types.hpp>

#include <algorithm>
#include <string>

namespace strata_cts {
namespace {

struct Measurement {
  std::uint64_t before = 0, after = 0;
};

}  // namespace

void check_memory_returned(const TestContext& context) {
  const strata::Device& device = context.device;
  strata::Queue queue = device.create_queue();
  const strata::MemoryInfo start = device.memory();
  if (!start.free) throw CheckSkipped("the device does not report free memory");
  const std::uint64_t chunk = std::clamp<std::uint64_t>(*start.free / 64, 1u << 16, 32u << 20);
  const int rounds = context.options.set == CaseSet::full ? 32 : 8;
  const std::uint64_t allocated = chunk * 4 * static_cast<std::uint64_t>(rounds);
  const strata::DeviceInfo& info = device.info();
  const bool system_memory = info.kind == strata::DeviceKind::cpu || info.caps.unified_memory;
  const std::uint64_t tolerance = system_memory ? allocated / 8 : chunk;
  const std::vector<float> touch(1024, 1.0f);

  const auto round = [&] {
    std::vector<strata::Buffer> buffers;
    for (int i = 0; i < 4; ++i) {
      buffers.push_back(device.allocate(chunk));
      write_floats(queue, buffers.back(), touch);  // some drivers commit memory only on first use
    }
    queue.finish();
  };
  const auto free_now = [&] {
    const strata::MemoryInfo now = device.memory();
    expect(now.free.has_value(), "free memory is reported only some of the time");
    return *now.free;
  };

  round();  // pools and lazy driver state come into being before the measurement
  Measurement last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    last.before = free_now();
    for (int r = 0; r < rounds; ++r) round();
    last.after = free_now();
    if (last.after + tolerance >= last.before) return;
  }
  throw CheckFailed(
      fmt::format("free memory fell from {} to {} after allocating and freeing {} in {} rounds "
                  "(tolerance {}), three times",
                  strata::format_size(last.before), strata::format_size(last.after), strata::format_size(allocated),
                  rounds, strata::format_size(tolerance)));
}

}  // namespace strata_cts
