#include "device_info.hpp"

#include <fmt/format.h>

#include <sstream>

namespace strata_opencl {
namespace {

// cl_nv_device_attribute_query: NVIDIA's older way to give the PCI location.
constexpr cl_device_info kPciBusIdNv = 0x4008;
constexpr cl_device_info kPciSlotIdNv = 0x4009;
constexpr cl_device_info kPciDomainIdNv = 0x400A;

constexpr cl_uint kVendorNvidia = 0x10de;
constexpr cl_uint kVendorAmd = 0x1002;
constexpr cl_uint kVendorIntel = 0x8086;

template <typename T>
bool query(const cl::Device& device, cl_device_info what, T& value) {
  return clGetDeviceInfo(device(), what, sizeof(T), &value, nullptr) == CL_SUCCESS;
}

strata_device_kind kind_of(cl_device_type type, bool unified) {
  if (type & CL_DEVICE_TYPE_CPU) return STRATA_DEVICE_CPU;
  if (type & CL_DEVICE_TYPE_GPU) return unified ? STRATA_DEVICE_IGPU : STRATA_DEVICE_GPU;
  return STRATA_DEVICE_ACCEL;
}

// A CPU device is the host's cores (PoCL); a GPU with host-unified memory has its own compute
// units but the host's memory.
strata_device_sharing sharing_of(cl_device_type type, bool unified) {
  if (type & CL_DEVICE_TYPE_CPU) return STRATA_SHARING_HOST_CORES;
  if ((type & CL_DEVICE_TYPE_GPU) && unified) return STRATA_SHARING_HOST_MEMORY;
  return STRATA_SHARING_NONE;
}

std::string pci_bus_id(const cl::Device& device, const std::string& extensions) {
  if (has_extension(extensions, "cl_khr_pci_bus_info")) {
    cl_device_pci_bus_info_khr info{};
    if (query(device, CL_DEVICE_PCI_BUS_INFO_KHR, info))
      return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", info.pci_domain, info.pci_bus, info.pci_device,
                         info.pci_function);
  }
  if (has_extension(extensions, "cl_nv_device_attribute_query")) {
    cl_uint bus = 0;
    cl_uint slot = 0;
    cl_uint domain = 0;
    if (query(device, kPciBusIdNv, bus) && query(device, kPciSlotIdNv, slot)) {
      if (!query(device, kPciDomainIdNv, domain)) domain = 0;
      return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, bus, slot >> 3, slot & 7);
    }
  }
  return "";
}

std::optional<std::array<std::uint8_t, 16>> device_uuid(const cl::Device& device, const std::string& extensions) {
  if (!has_extension(extensions, "cl_khr_device_uuid")) return std::nullopt;
  std::array<std::uint8_t, CL_UUID_SIZE_KHR> uuid{};
  if (clGetDeviceInfo(device(), CL_DEVICE_UUID_KHR, uuid.size(), uuid.data(), nullptr) != CL_SUCCESS)
    return std::nullopt;
  return uuid;
}

}  // namespace

bool has_extension(const std::string& extensions, const std::string& name) {
  std::istringstream words(extensions);
  std::string word;
  while (words >> word)
    if (word == name) return true;
  return false;
}

double peak_flops_factor(const DeviceDescription& description, cl_uint native_float_width) {
  if (description.kind == STRATA_DEVICE_CPU) return 2.0 * (native_float_width == 0 ? 1 : native_float_width);
  switch (description.vendor_id) {
    case kVendorNvidia:
      return 256.0;
    case kVendorAmd:
      return 128.0;
    case kVendorIntel:
      return 16.0;
    default:
      return 128.0;
  }
}

std::string driver_text(const DeviceDescription& description) {
  // Drivers pad some strings with spaces or NULs.
  const auto trimmed = [](const std::string& text) {
    const auto first = text.find_first_not_of(std::string(" \t\0", 3));
    const auto last = text.find_last_not_of(std::string(" \t\0", 3));
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  };
  const std::string platform = trimmed(description.platform_name);
  std::string version = trimmed(description.driver_version);
  if (version.empty()) version = trimmed(description.platform_version);
  if (platform.empty() || version.empty()) return platform + version;
  return platform + " " + version;
}

std::string physical_suffix(const DeviceDescription& description) {
  if (!description.pci_bus_id.empty()) return "pci:" + description.pci_bus_id;
  if (description.uuid) {
    std::string text = "uuid:";
    for (std::uint8_t byte : *description.uuid) text += fmt::format("{:02x}", byte);
    return text;
  }
  return "";
}

DeviceDescription describe_device(const cl::Platform& platform, const cl::Device& device) {
  DeviceDescription d;
  d.platform_name = platform.getInfo<CL_PLATFORM_NAME>();
  d.platform_version = platform.getInfo<CL_PLATFORM_VERSION>();
  d.name = device.getInfo<CL_DEVICE_NAME>();
  d.vendor = device.getInfo<CL_DEVICE_VENDOR>();
  d.device_version = device.getInfo<CL_DEVICE_VERSION>();
  d.driver_version = device.getInfo<CL_DRIVER_VERSION>();
  d.vendor_id = device.getInfo<CL_DEVICE_VENDOR_ID>();
  const std::string extensions = device.getInfo<CL_DEVICE_EXTENSIONS>();
  // Deprecated since OpenCL 2.0 but still answered, and the only portable "shares host RAM".
  cl_bool unified = CL_FALSE;
  d.host_unified_memory = query(device, CL_DEVICE_HOST_UNIFIED_MEMORY, unified) && unified == CL_TRUE;
  const cl_device_type type = device.getInfo<CL_DEVICE_TYPE>();
  d.kind = kind_of(type, d.host_unified_memory);
  d.sharing = sharing_of(type, d.host_unified_memory);
  d.pci_bus_id = pci_bus_id(device, extensions);
  d.uuid = device_uuid(device, extensions);
  d.global_memory = device.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
  d.max_allocation = device.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>();
  d.max_work_group_size = device.getInfo<CL_DEVICE_MAX_WORK_GROUP_SIZE>();
  d.local_memory = device.getInfo<CL_DEVICE_LOCAL_MEM_SIZE>();
  d.compute_units = device.getInfo<CL_DEVICE_MAX_COMPUTE_UNITS>();
  d.clock_mhz = device.getInfo<CL_DEVICE_MAX_CLOCK_FREQUENCY>();
  const cl_uint width = device.getInfo<CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT>();
  d.peak_flops = static_cast<double>(d.compute_units) * d.clock_mhz * 1e6 * peak_flops_factor(d, width);
  return d;
}

}  // namespace strata_opencl
