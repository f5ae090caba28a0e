// What one OpenCL device is: the facts Strata reports about it, read once at start.
#pragma once

#include "cl.hpp"

#include <strata/backend.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace strata_opencl {

struct DeviceDescription {
  std::string platform_name;
  std::string platform_version;
  std::string name;
  std::string vendor;
  std::string device_version;
  std::string driver_version;
  cl_uint vendor_id = 0;
  strata_device_kind kind = STRATA_DEVICE_ACCEL;
  strata_device_sharing sharing = STRATA_SHARING_NONE;
  bool host_unified_memory = false;
  std::string pci_bus_id;  // "0000:65:00.0" or ""
  std::optional<std::array<std::uint8_t, 16>> uuid;
  std::uint64_t global_memory = 0;
  std::uint64_t max_allocation = 0;
  std::size_t max_work_group_size = 0;
  std::uint64_t local_memory = 0;
  std::uint32_t compute_units = 0;
  std::uint32_t clock_mhz = 0;
  // compute_units * clock * flops_per_unit_per_clock(): an estimate, see peak_flops_factor().
  double peak_flops = 0;
};

DeviceDescription describe_device(const cl::Platform& platform, const cl::Device& device);

// The platform and its driver version as one line: "NVIDIA CUDA 580.159.04",
// "Portable Computing Language 3.1+debian"; the platform's version when the driver gives none.
std::string driver_text(const DeviceDescription& description);

// F32 FLOPs one compute unit does per clock, by vendor and device type (documented in
// docs/opencl-backend.md): NVIDIA SM 128 lanes x FMA; AMD CU 64 lanes x FMA; Intel GPU EU
// 8 lanes x FMA; a CPU core the native float vector width x FMA.
double peak_flops_factor(const DeviceDescription& description, cl_uint native_float_width);

// "platform/device/pci:..." or ".../uuid:..."; without either the caller appends an ordinal.
std::string physical_suffix(const DeviceDescription& description);

bool has_extension(const std::string& extensions, const std::string& name);

}  // namespace strata_opencl
