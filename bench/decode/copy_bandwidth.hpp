// The machine's memory bandwidth, measured the way decode reads weights: large buffers, every
// core streaming its own slice.
#pragma once

#include <cstddef>

namespace strata::bench {

struct CopyBandwidth {
  double bytes_per_second = 0;       // bytes read + bytes written, per second (STREAM's convention)
  double read_bytes_per_second = 0;  // bytes read only: what a weight-streaming decode can use
  unsigned threads = 0;
};

// Copies `bytes` (well beyond the caches) `repeats` times with one thread per core and keeps the
// best run.
CopyBandwidth measure_copy_bandwidth(std::size_t bytes = std::size_t{512} << 20, int repeats = 5);

}  // namespace strata::bench
