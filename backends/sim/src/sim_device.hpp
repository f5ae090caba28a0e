// The sim plugin's side of backend.h's handles. A simulated device owns a memory limit and
// counts what its buffers take; the memory itself is host memory.
#pragma once

#include "../spec/device_spec.hpp"

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

struct strata_device {
  strata_backend* backend = nullptr;
  strata_sim::DeviceSpec spec;
  strata_device_properties properties{};
  std::mutex mutex;
  std::uint64_t allocated = 0;  // bytes of its live buffers, never above spec.memory
};

struct strata_backend {
  std::vector<std::unique_ptr<strata_device>> devices;
};

struct strata_buffer {
  static constexpr std::uint64_t live_tag = 0x5354524154415349ull;  // "STRATASI"
  std::uint64_t tag = live_tag;
  strata_device* device = nullptr;
  std::byte* data = nullptr;
  std::uint64_t size = 0;
  bool owned = false;  // false for imported host memory, which counts against nothing
};

// Work runs on the caller's thread during each call, so a queue is only its device.
struct strata_queue {
  strata_device* device = nullptr;
};

// Complete when recorded.
struct strata_event {
  strata_device* device = nullptr;
};

namespace strata_sim {

strata_device& checked(strata_device* device);
strata_queue& checked(strata_queue* queue);
strata_event& checked(strata_event* event);
strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role);
void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role);

// The properties a spec describes, for device `index` ("sim:<index>").
strata_device_properties describe(const DeviceSpec& spec, std::uint32_t index);

}  // namespace strata_sim
