// The plugin's side of backend.h's opaque handles, and the checks every entry applies to the
// handles it receives.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>

struct strata_device {
  strata_backend* backend = nullptr;
  strata_device_properties properties{};
};

// One started backend: the CPU is a single device.
struct strata_backend {
  strata_device device;
};

struct strata_buffer {
  // Tells a live buffer of this plugin from a foreign or freed handle, on a best-effort basis.
  static constexpr std::uint64_t live_tag = 0x5354524154414350ull;  // "STRATACP"
  std::uint64_t tag = live_tag;
  strata_device* device = nullptr;
  std::byte* data = nullptr;
  std::uint64_t size = 0;
  bool owned = false;  // false for imported host memory, which buffer_free leaves alone
};

// Work runs on the caller's thread during each call (see queues.cpp), so a queue holds no
// state beyond its device.
struct strata_queue {
  strata_device* device = nullptr;
};

// Every event is complete when it is recorded.
struct strata_event {
  strata_device* device = nullptr;
};

namespace strata_cpu_plugin {

strata_device& checked(strata_device* device);
strata_queue& checked(strata_queue* queue);
strata_event& checked(strata_event* event);
// A live buffer of `device`; `role` names it in the error.
strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role);
// Throws INVALID_ARGUMENT unless [offset, offset + size) lies inside the buffer.
void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role);

}  // namespace strata_cpu_plugin
