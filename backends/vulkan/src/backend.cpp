#include "backend.hpp"

#include "physical_device.hpp"

#include <strata_plugin/host.hpp>

#include <algorithm>
#include <cstring>

namespace strata_vulkan {
namespace {

std::vector<PhysicalDevice> usable_physical_devices(const Instance& instance) {
  std::vector<PhysicalDevice> usable;
  for (VkPhysicalDevice handle : instance.physical_devices()) {
    std::string why_not;
    if (auto device = inspect_physical_device(instance.handle(), handle, why_not)) {
      usable.push_back(std::move(*device));
    } else {
      strata_plugin::log(STRATA_LOG_INFO, "vulkan: skipping " + why_not);
    }
  }
  std::stable_sort(usable.begin(), usable.end(), [](const PhysicalDevice& a, const PhysicalDevice& b) {
    return kind_rank(a.properties.deviceType) < kind_rank(b.properties.deviceType);
  });
  return usable;
}

void copy_text(char* destination, std::size_t capacity, const std::string& text) {
  const std::size_t length = std::min(capacity - 1, text.size());
  std::memcpy(destination, text.data(), length);
  destination[length] = '\0';
}

}  // namespace

Backend::Backend() : instance_(std::make_unique<Instance>(InstanceOptions::from_environment())) {
  for (PhysicalDevice& physical : usable_physical_devices(*instance_))
    devices_.push_back(std::make_unique<Device>(*instance_, std::move(physical)));
}

Backend::~Backend() {
  devices_.clear();  // before the instance they were made from
  instance_.reset();
}

std::uint32_t count_usable_devices() {
  try {
    Instance instance(InstanceOptions{});
    return static_cast<std::uint32_t>(usable_physical_devices(instance).size());
  } catch (const strata_plugin::Error& error) {
    strata_plugin::log(STRATA_LOG_DEBUG, std::string("vulkan: probe found no usable driver: ") + error.what());
    return 0;
  }
}

void fill_properties(Device& device, strata_device_properties* props) {
  const PhysicalDevice& physical = device.physical();
  strata_device_properties full{};
  full.struct_size = sizeof(full);
  full.kind = physical.kind;
  copy_text(full.name, sizeof(full.name), physical.name);
  copy_text(full.stable_id, sizeof(full.stable_id), physical.stable_id);
  copy_text(full.pci_bus_id, sizeof(full.pci_bus_id), physical.pci_bus_id);
  std::memcpy(full.uuid, physical.device_uuid.data(), sizeof(full.uuid));
  full.has_uuid = 1;
  full.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_F16) |
                STRATA_DTYPE_BIT(STRATA_DTYPE_BF16) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
  full.caps = STRATA_CAP_ASYNC | STRATA_CAP_EVENTS;
  // lavapipe and integrated GPUs compute in host memory (no host pointer is offered, though).
  if (physical.kind == STRATA_DEVICE_CPU || physical.kind == STRATA_DEVICE_IGPU) full.caps |= STRATA_CAP_UNIFIED_MEMORY;
  full.memory_total = device.memory_total();
  full.memory_free = device.memory_free();
  // Speeds are 0 (unknown): Vulkan does not report them, and the SDK measures the device.
  copy_text(full.driver_version, sizeof(full.driver_version), physical.driver);
  full.sharing = physical.sharing;
  const std::uint32_t caller_size = props->struct_size;
  std::memcpy(props, &full, std::min<std::size_t>(caller_size, sizeof(full)));
  props->struct_size = caller_size;
}

}  // namespace strata_vulkan
