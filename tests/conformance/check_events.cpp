// Events order work between two queues: the second queue waits for the first one's event, and
// event.synchronize() on the host returns only when the work before it is done.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>

#include <cstring>

namespace strata_cts {

void check_events(const TestContext& context) {
  const strata::Device& device = context.device;
  const std::int64_t n = 1 << 20;
  const int steps = 24;
  const std::uint64_t bytes = static_cast<std::uint64_t>(n) * sizeof(float);
  strata::Buffer a = device.allocate(bytes), one = device.allocate(bytes), c = device.allocate(bytes);
  const strata::Op step = strata::ops::add(floats(a, n), floats(one, n), floats(a, n));
  if (!device.supports(step)) throw CheckSkipped("the device does not support add on f32, which this check uses");

  strata::Queue first = device.create_queue(), second = device.create_queue();
  write_floats(first, a, std::vector<float>(n, 0.0f));
  write_floats(first, one, std::vector<float>(n, 1.0f));
  for (int i = 0; i < steps; ++i) first.submit(step);  // a = steps, after a long chain
  strata::Event done;
  try {
    done = first.record();
    second.wait(done);
  } catch (const strata::Error& error) {
    if (error.code() == strata::StatusCode::unsupported && !device.info().caps.events)
      throw CheckSkipped("the device does not claim events and refuses them");
    throw;
  }
  second.copy(a, 0, c, 0, bytes);
  const std::vector<float> copied = read_floats(second, c, n);
  std::int64_t bad = first_not(copied, static_cast<float>(steps));
  expect(bad < 0, "c[{}] = {}, expected {}: the second queue did not wait for the first one's event", bad,
         bad < 0 ? 0.0f : copied[bad], steps);

  // Host-side wait: after synchronize(), host-visible memory already holds the result.
  for (int i = 0; i < steps; ++i) first.submit(step);  // a = 2 * steps
  const strata::Event later = first.record();
  later.synchronize();
  if (device.info().caps.host_visible && a.host_pointer() != nullptr) {
    std::vector<float> seen(n);
    std::memcpy(seen.data(), a.host_pointer(), bytes);
    bad = first_not(seen, static_cast<float>(2 * steps));
    expect(bad < 0, "after Event::synchronize, a[{}] = {} in host memory, expected {}", bad, bad < 0 ? 0.0f : seen[bad],
           2 * steps);
  }
  const std::vector<float> final_values = read_floats(first, a, n);
  bad = first_not(final_values, static_cast<float>(2 * steps));
  expect(bad < 0, "a[{}] = {}, expected {}", bad, bad < 0 ? 0.0f : final_values[bad], 2 * steps);
}

}  // namespace strata_cts
