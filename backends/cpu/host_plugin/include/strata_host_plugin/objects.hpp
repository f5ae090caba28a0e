// The side of backend.h's opaque handles that plugins of host-memory devices share, and the
// checks every entry applies to the handles it receives. A plugin derives its devices from
// strata_device and defines strata_backend itself.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>

namespace strata_host_plugin {

// Defined by each plugin: the name its messages start with ("cpu", "sim"), and the tag that
// tells its live buffers from foreign or freed handles.
extern const char* const plugin_name;
extern const std::uint64_t buffer_tag;

struct Memory {
  std::uint64_t free = 0;   // may be STRATA_MEMORY_UNKNOWN
  std::uint64_t total = 0;  // may be STRATA_MEMORY_UNKNOWN
};

}  // namespace strata_host_plugin

// What differs between the plugins' devices is behind these hooks.
struct strata_device {
  strata_device() = default;
  strata_device(const strata_device&) = delete;
  strata_device& operator=(const strata_device&) = delete;
  virtual ~strata_device() = default;

  // The device's memory now: device_memory reports it, device_properties its free part.
  virtual strata_host_plugin::Memory current_memory() = 0;
  // Memory for a new buffer of `size` (> 0) bytes, to be released with std::free; throws
  // OUT_OF_MEMORY (strata_plugin::fail) when the device cannot give it.
  virtual std::byte* allocate(std::uint64_t size) = 0;
  // An allocated buffer of `size` bytes has been freed.
  virtual void released(std::uint64_t size) = 0;

  strata_backend* backend = nullptr;
  strata_device_properties properties{};
};

struct strata_buffer {
  std::uint64_t tag = strata_host_plugin::buffer_tag;
  strata_device* device = nullptr;
  std::byte* data = nullptr;
  std::uint64_t size = 0;
  bool owned = false;  // false for imported host memory, which buffer_free leaves alone
};

// Work runs on the caller's thread during each call (see queue_entries.cpp), so a queue holds
// no state beyond its device.
struct strata_queue {
  strata_device* device = nullptr;
};

// Every event is complete when it is recorded.
struct strata_event {
  strata_device* device = nullptr;
};

namespace strata_host_plugin {

strata_device& checked(strata_device* device);
strata_queue& checked(strata_queue* queue);
strata_event& checked(strata_event* event);
// A live buffer of `device`; `role` names it in the error.
strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role);
// Throws INVALID_ARGUMENT unless [offset, offset + size) lies inside the buffer.
void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role);

}  // namespace strata_host_plugin
