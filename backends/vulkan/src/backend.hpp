// strata_backend: the instance and one Device per usable physical device, fastest kinds first.
#pragma once

#include "device.hpp"
#include "instance.hpp"

#include <strata/backend.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace strata_vulkan {

class Backend {
 public:
  // Throws UNAVAILABLE when there is no Vulkan loader or driver to talk to.
  Backend();
  ~Backend();

  std::vector<std::unique_ptr<Device>>& devices() { return devices_; }

 private:
  std::unique_ptr<Instance> instance_;
  std::vector<std::unique_ptr<Device>> devices_;
};

// For probe: a throwaway instance, no layers, no VkDevice. 0 when Vulkan is missing or broken.
std::uint32_t count_usable_devices();

// Fills the fields of `props` that fit its struct_size.
void fill_properties(Device& device, strata_device_properties* props);

inline Backend* from_handle(strata_backend* handle) { return reinterpret_cast<Backend*>(handle); }
inline strata_backend* to_handle(Backend* backend) { return reinterpret_cast<strata_backend*>(backend); }
inline Device* from_handle(strata_device* handle) { return reinterpret_cast<Device*>(handle); }
inline strata_device* to_handle(Device* device) { return reinterpret_cast<strata_device*>(device); }

}  // namespace strata_vulkan
