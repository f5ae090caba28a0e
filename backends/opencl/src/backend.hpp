// The started backend: every device of every OpenCL platform, GPUs first.
#pragma once

#include "device.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace strata_opencl {

class Backend {
 public:
  Backend();
  std::uint32_t device_count() const { return static_cast<std::uint32_t>(devices_.size()); }
  Device& device(std::uint32_t index);

 private:
  std::vector<std::unique_ptr<Device>> devices_;
};

// How many OpenCL devices the installed drivers offer, through the plain C calls only: no
// context, no compiler. 0 when there is no ICD loader configuration or no platform.
std::uint32_t probe_device_count();

}  // namespace strata_opencl
