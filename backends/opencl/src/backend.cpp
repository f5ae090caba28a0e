#include "backend.hpp"

#include <strata_plugin/host.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace strata_opencl {
namespace {

// Discrete GPUs first, so that opencl:0 is the fastest device on a usual machine.
int kind_rank(strata_device_kind kind) {
  switch (kind) {
    case STRATA_DEVICE_GPU:
      return 0;
    case STRATA_DEVICE_IGPU:
      return 1;
    case STRATA_DEVICE_ACCEL:
      return 2;
    default:
      return 3;
  }
}

std::vector<cl::Platform> platforms() {
  std::vector<cl::Platform> list;
  cl_uint count = 0;
  // The raw call: with no ICD installed the loader answers CL_PLATFORM_NOT_FOUND_KHR, which is
  // "no devices" here, not an error.
  if (clGetPlatformIDs(0, nullptr, &count) != CL_SUCCESS || count == 0) return list;
  std::vector<cl_platform_id> ids(count);
  if (clGetPlatformIDs(count, ids.data(), nullptr) != CL_SUCCESS) return list;
  for (cl_platform_id id : ids) list.emplace_back(id, true);
  return list;
}

}  // namespace

std::uint32_t probe_device_count() {
  std::uint32_t total = 0;
  for (const cl::Platform& platform : platforms()) {
    cl_uint count = 0;
    if (clGetDeviceIDs(platform(), CL_DEVICE_TYPE_ALL, 0, nullptr, &count) == CL_SUCCESS) total += count;
  }
  return total;
}

Backend::Backend() {
  struct Found {
    cl::Device device;
    DeviceDescription description;
  };
  std::vector<Found> found;
  for (const cl::Platform& platform : platforms()) {
    std::vector<cl::Device> devices;
    try {
      platform.getDevices(CL_DEVICE_TYPE_ALL, &devices);
    } catch (const cl::Error&) {
      continue;  // CL_DEVICE_NOT_FOUND: a platform without devices
    }
    for (const cl::Device& device : devices) {
      try {
        found.push_back({device, describe_device(platform, device)});
      } catch (const cl::Error& error) {
        strata_plugin::log(STRATA_LOG_WARNING,
                           fmt::format("opencl: skipping a device that does not answer queries: {}", error.what()));
      }
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return kind_rank(a.description.kind) < kind_rank(b.description.kind);
  });
  // Devices without a PCI address or UUID get an ordinal among same-named devices.
  std::map<std::string, int> seen;
  for (Found& f : found) {
    std::string id = fmt::format("opencl/{}/{}", f.description.platform_name, f.description.name);
    std::string suffix = physical_suffix(f.description);
    if (suffix.empty()) suffix = fmt::format("#{}", seen[id]++);
    devices_.push_back(std::make_unique<Device>(f.device, std::move(f.description), id + "/" + suffix));
  }
}

Device& Backend::device(std::uint32_t index) {
  if (index >= devices_.size())
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: device index {} out of range ({} devices)", index,
                        devices_.size());
  return *devices_[index];
}

}  // namespace strata_opencl
