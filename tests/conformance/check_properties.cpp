// The device describes itself consistently: the planner and the device list rely on it.
#include "check_support.hpp"
#include "device_checks.hpp"

#include <algorithm>

namespace strata_cts {

void check_properties(const TestContext& context) {
  const strata::DeviceInfo& info = context.device.info();
  expect(!info.backend.empty() && info.name.starts_with(info.backend),
         "device name \"{}\" does not start with its backend's name \"{}\"", info.name, info.backend);
  expect(!info.stable_id.empty(), "stable_id is empty: planners cannot recognise the device across runs");
  expect(std::find(info.dtypes.begin(), info.dtypes.end(), strata::DType::f32) != info.dtypes.end(),
         "the device does not store f32, which every op's activations use");
  if (info.memory_total && info.memory_free)
    expect(*info.memory_free <= *info.memory_total, "memory_free {} exceeds memory_total {}", *info.memory_free,
           *info.memory_total);
  const strata::MemoryInfo now = context.device.memory();
  if (now.total && info.memory_total)
    expect(*now.total == *info.memory_total, "device_memory total {} differs from the property {}", *now.total,
           *info.memory_total);
  if (now.free && now.total)
    expect(*now.free <= *now.total, "device_memory free {} exceeds total {}", *now.free, *now.total);
}

}  // namespace strata_cts
