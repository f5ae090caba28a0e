// How big each measurement's data is on a device: large enough to leave its caches.
#pragma once

#include <strata/device.hpp>

#include <cstdint>

namespace strata::detail {

struct MeasureSizes {
  std::uint64_t weight_bytes = 0;  // the matvec's weights
  std::uint64_t copy_bytes = 0;    // each copy to or from the device
  std::int64_t matvec_columns = DeviceMeasurements::matvec_columns;
  std::int64_t matmul_rows = 128;  // a prefill's tokens
  std::int64_t matmul_dim = 0;     // the matmul's K and N to start from (grown on a fast host)
};

// A device that works in host memory (a CPU, an integrated GPU, PoCL, lavapipe) leaves the host's
// caches with twice its last-level cache (at least 64 MiB, at most 1 GiB: server CPUs have
// hundreds of MiB); a GPU of its own memory with a quarter of that memory, at most 512 MiB (its
// L2 holds 50-100 MB). Either way no more than the device can spare.
MeasureSizes measure_sizes(const DeviceInfo& device);

}  // namespace strata::detail
