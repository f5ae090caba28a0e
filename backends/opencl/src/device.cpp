#include "device.hpp"

#include <strata_plugin/host.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace strata_opencl {
namespace {

template <std::size_t N>
void copy_text(char (&out)[N], const std::string& text) {
  const std::size_t n = std::min(text.size(), N - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

std::string format_bytes(std::uint64_t bytes) {
  return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

Device::Device(cl::Device device, DeviceDescription description, std::string stable_id)
    : device_(std::move(device)),
      description_(std::move(description)),
      stable_id_(std::move(stable_id)),
      config_(choose_kernel_config(description_)) {}

void Device::properties(strata_device_properties& props) const {
  // Fill a full struct, then copy only as much as the caller's version knows about.
  strata_device_properties full{};
  full.struct_size = props.struct_size;
  full.kind = description_.kind;
  copy_text(full.name, description_.name);
  copy_text(full.stable_id, stable_id_);
  copy_text(full.pci_bus_id, description_.pci_bus_id);
  if (description_.uuid) {
    std::memcpy(full.uuid, description_.uuid->data(), sizeof(full.uuid));
    full.has_uuid = 1;
  }
  full.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_F16) |
                STRATA_DTYPE_BIT(STRATA_DTYPE_BF16) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
  full.caps = STRATA_CAP_ASYNC | STRATA_CAP_EVENTS;
  if (description_.host_unified_memory) full.caps |= STRATA_CAP_UNIFIED_MEMORY;
  full.memory_total = description_.global_memory;
  full.memory_free = memory_free();
  full.peak_flops = description_.peak_flops;
  full.memory_bandwidth = 0;     // not measured by the plugin: the SDK measures the device
  full.host_link_bandwidth = 0;  // idem
  copy_text(full.driver_version, driver_text(description_));
  full.sharing = description_.sharing;
  const std::size_t size = std::min<std::size_t>(props.struct_size, sizeof(full));
  std::memcpy(&props, &full, size);
}

std::uint64_t Device::memory_free() const {
  const std::uint64_t used = allocated_.load(std::memory_order_relaxed);
  return used >= description_.global_memory ? 0 : description_.global_memory - used;
}

const cl::Context& Device::context() {
  std::lock_guard lock(mutex_);
  if (!context_) context_.emplace(device_);
  return *context_;
}

const cl::Program& Device::program() {
  const cl::Context& ctx = context();
  std::lock_guard lock(mutex_);
  if (!program_) {
    program_ = build_program(ctx, device_, description_, config_);
    strata_plugin::log(STRATA_LOG_DEBUG, fmt::format("opencl: kernels for {} {}", description_.name,
                                                     program_->from_cache ? "loaded from the cache" : "compiled"));
  }
  return program_->program;
}

void Device::reserve(std::uint64_t bytes) {
  if (bytes > description_.max_allocation)
    strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY,
                        "opencl: {} bytes is more than {} can allocate at once (CL_DEVICE_MAX_MEM_ALLOC_SIZE = {})",
                        bytes, description_.name, description_.max_allocation);
  std::uint64_t used = allocated_.load(std::memory_order_relaxed);
  do {
    if (bytes > description_.global_memory - std::min(used, description_.global_memory))
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "opencl: {} of {} is allocated; {} more does not fit",
                          format_bytes(used), description_.name, format_bytes(bytes));
  } while (!allocated_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
}

void Device::release(std::uint64_t bytes) { allocated_.fetch_sub(bytes, std::memory_order_relaxed); }

}  // namespace strata_opencl
