// libFuzzer target for the simulated-devices JSON (`strata plan --devices FILE`,
// STRATA_SIM_DEVICES): any input either parses into devices that satisfy the spec's own rules or
// fails with strata_plugin::Error. A crash, a hang, a sanitizer report or another exception is a
// finding.
#include "device_spec.hpp"

#include <strata_plugin/host.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const strata_sim::DeviceSpec& device : strata_sim::parse_devices(text)) {
      if (device.memory == 0) broken("a device without memory");
      for (const double speed : {device.peak_flops, device.memory_bandwidth, device.host_link_bandwidth})
        if (!std::isfinite(speed) || speed < 0) broken("a speed that is not a finite number >= 0");
      if (device.exact_speeds && (device.peak_flops <= 0 || device.memory_bandwidth <= 0))
        broken("exact speeds without the figures");
    }
  } catch (const strata_plugin::Error&) {
    // refused with a reason: what a bad file must get
  }
  return 0;
}
