// The machine's memory bandwidth, measured the way decode reads weights: large buffers, every
// core streaming its own slice.
#pragma once

#include <strata/runtime.hpp>

#include <cstddef>
#include <string>

namespace strata::bench {

struct CopyBandwidth {
  double bytes_per_second = 0;       // bytes read + bytes written, per second (STREAM's convention)
  double read_bytes_per_second = 0;  // bytes read only: what a weight-streaming decode can use
  unsigned threads = 0;
};

// Copies `bytes` (well beyond the caches) `repeats` times with one thread per core and keeps the
// best run.
CopyBandwidth measure_copy_bandwidth(std::size_t bytes = std::size_t{512} << 20, int repeats = 5);

// The bandwidth of a device's own memory, from queue copies between two device buffers
// (read + write counted, the same convention). A GPU seen through several backends is measured
// through each of them and the best figure is kept: the limit belongs to the memory, not to the
// API, and one API's copy may go through a slower copy engine. `measured_on` names the device
// that gave the figure.
struct DeviceBandwidth {
  double bytes_per_second = 0;
  std::string measured_on;
};
DeviceBandwidth measure_device_bandwidth(const Runtime& runtime, const Device& device,
                                         std::uint64_t bytes = std::uint64_t{256} << 20, int repeats = 5);

}  // namespace strata::bench
