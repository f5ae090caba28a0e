// The speed profile the device reports, measured once per process (on the first
// backend_create) by running the backend's own kernels.
#pragma once

namespace strata_cpu_plugin {

struct SpeedProfile {
  double peak_flops = 0;        // f32 FLOP/s, all cores
  double memory_bandwidth = 0;  // bytes/s streamed from memory by all cores
};

// Measures on the first call (tens of milliseconds), then returns the same numbers.
// STRATA_CPU_CALIBRATE=0 skips the measurement and reports 0 (unknown).
const SpeedProfile& speed_profile();

}  // namespace strata_cpu_plugin
