#include "calibration/host_pattern.hpp"
#include "calibration/measurement_steps.hpp"
#include "calibration/timed_rounds.hpp"

#include <span>

namespace strata::detail {
namespace {

constexpr int copies_per_round = 2;

}  // namespace

CopyBandwidth measure_copy_bandwidth(const StepContext& context) {
  const std::uint64_t bytes = context.sizes.copy_bytes;
  const Buffer buffer = context.device.allocate(bytes);
  // Host memory written before timing, so its page faults are not counted as the device's.
  std::vector<std::byte> host = host_pattern(DType::f32, static_cast<std::size_t>(bytes));
  const DrainOnExit drain(context.queue);
  // Half the budget for each direction: together they are one step.
  const double budget = context.budget_seconds / 2;
  CopyBandwidth bandwidth;
  bandwidth.host_to_device =
      static_cast<double>(bytes) / best_seconds_per_unit(budget, copies_per_round, [&](int count) {
        for (int i = 0; i < count; ++i) context.queue.write(buffer, 0, host);
        context.queue.finish();
      });
  bandwidth.device_to_host =
      static_cast<double>(bytes) / best_seconds_per_unit(budget, copies_per_round, [&](int count) {
        // A read waits for the copy: no finish needed.
        for (int i = 0; i < count; ++i) context.queue.read(buffer, 0, host);
      });
  return bandwidth;
}

}  // namespace strata::detail
