// One queue runs its work in submission order: a write after an op does not reach the op, and
// a read sees everything before it, without an explicit finish. The buffers are large so that
// an asynchronous device that reorders would be caught in the act.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <strata/ops.hpp>

namespace strata_cts {

void check_queue_order(const TestContext& context) {
  const strata::Device& device = context.device;
  const std::int64_t n = 1 << 20;
  const std::uint64_t bytes = static_cast<std::uint64_t>(n) * sizeof(float);
  strata::Buffer x = device.allocate(bytes), y = device.allocate(bytes), z = device.allocate(bytes);
  const strata::Op doubled_into_y = strata::ops::add(floats(x, n), floats(x, n), floats(y, n));
  const strata::Op doubled_into_z = strata::ops::add(floats(x, n), floats(x, n), floats(z, n));
  const strata::Op y_plus_z = strata::ops::add(floats(y, n), floats(z, n), floats(y, n));
  if (!device.supports(doubled_into_y) || !device.supports(y_plus_z))
    throw CheckSkipped("the device does not support add on f32, which this check uses");

  strata::Queue queue = device.create_queue();
  write_floats(queue, x, std::vector<float>(n, 1.0f));
  queue.submit(doubled_into_y);  // y = 2
  write_floats(queue, x, std::vector<float>(n, 2.0f));
  queue.submit(doubled_into_z);  // z = 4
  write_floats(queue, x, std::vector<float>(n, 3.0f));
  queue.submit(y_plus_z);  // y = 6, in place
  const std::vector<float> y_now = read_floats(queue, y, n);
  const std::vector<float> z_now = read_floats(queue, z, n);
  std::int64_t bad = first_not(z_now, 4.0f);
  expect(bad < 0, "z[{}] = {}, expected 4: a later write reached an earlier op", bad, bad < 0 ? 0.0f : z_now[bad]);
  bad = first_not(y_now, 6.0f);
  expect(bad < 0, "y[{}] = {}, expected 6: ops ran out of order or a read did not wait", bad,
         bad < 0 ? 0.0f : y_now[bad]);

  // A queue destroyed with work pending finishes it first.
  {
    strata::Queue short_lived = device.create_queue();
    write_floats(short_lived, x, std::vector<float>(n, 5.0f));
    short_lived.submit(doubled_into_z);  // z = 10
  }
  const std::vector<float> z_after = read_floats(queue, z, n);
  bad = first_not(z_after, 10.0f);
  expect(bad < 0, "z[{}] = {}, expected 10: destroying a queue dropped its work", bad, bad < 0 ? 0.0f : z_after[bad]);
}

}  // namespace strata_cts
