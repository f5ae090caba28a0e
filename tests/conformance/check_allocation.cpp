// An allocation larger than the device fails with strata::Error(out_of_memory), not a crash,
// and the device keeps working afterwards.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <strata/error.hpp>

#include <limits>

namespace strata_cts {
namespace {

void expect_out_of_memory(const strata::Device& device, std::uint64_t bytes, const char* why) {
  try {
    const strata::Buffer buffer = device.allocate(bytes);
  } catch (const strata::Error& error) {
    expect(error.code() == strata::StatusCode::out_of_memory,
           "allocating {} bytes ({}) failed with {} instead of out_of_memory: {}", bytes, why,
           strata::to_string(error.code()), error.what());
    return;
  }
  throw CheckFailed(fmt::format("allocating {} bytes ({}) succeeded", bytes, why));
}

}  // namespace

void check_too_large_allocation(const TestContext& context) {
  const strata::Device& device = context.device;
  const strata::MemoryInfo memory = device.memory();
  const std::uint64_t total = memory.total.value_or(device.info().memory_total.value_or(0));
  if (total != 0 && total < (std::uint64_t{1} << 61))
    expect_out_of_memory(device, 2 * total, "twice the device's memory");
  else
    expect_out_of_memory(device, std::uint64_t{1} << 50, "1 PiB");
  // Sizes near the top of the range catch size arithmetic that overflows (alignment padding).
  expect_out_of_memory(device, std::numeric_limits<std::uint64_t>::max() - 7, "2^64 - 8");

  strata::Queue queue = device.create_queue();
  const strata::Buffer small = device.allocate(4096);
  const std::vector<float> values(1024, 7.0f);
  write_floats(queue, small, values);
  const std::vector<float> back = read_floats(queue, small, values.size());
  expect(first_not(back, 7.0f) < 0, "the device no longer works after a failed allocation");
}

}  // namespace strata_cts
