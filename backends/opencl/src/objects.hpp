// The plugin's objects behind the C ABI's opaque handles, and the casts between the two.
#pragma once

#include "backend.hpp"
#include "cl.hpp"
#include "device.hpp"

#include <strata/backend.h>

#include <cstdint>

namespace strata_opencl {

class Queue;

struct Buffer {
  // Checked whenever a handle comes in, so that a buffer handle of another plugin is refused
  // instead of being used as ours.
  static constexpr std::uint64_t kMagic = 0x5354524154416f63ull;  // "STRATAoc"
  std::uint64_t magic = kMagic;
  Device* device = nullptr;
  cl::Buffer memory;
  std::uint64_t size = 0;
};

// A point in a queue's stream: the marker enqueued there, and the context it belongs to
// (waiting on it from another context needs a bridge, see Queue::wait).
struct Event {
  cl::Event event;
  cl::Context context;
};

inline Backend* from_handle(strata_backend* handle) { return reinterpret_cast<Backend*>(handle); }
inline Device* from_handle(strata_device* handle) { return reinterpret_cast<Device*>(handle); }
// Throws INVALID_ARGUMENT for a handle that is not a live buffer of this plugin.
Buffer* from_handle(strata_buffer* handle);
inline Queue* from_handle(strata_queue* handle) { return reinterpret_cast<Queue*>(handle); }
inline Event* from_handle(strata_event* handle) { return reinterpret_cast<Event*>(handle); }

inline strata_backend* to_handle(Backend* object) { return reinterpret_cast<strata_backend*>(object); }
inline strata_device* to_handle(Device* object) { return reinterpret_cast<strata_device*>(object); }
inline strata_buffer* to_handle(Buffer* object) { return reinterpret_cast<strata_buffer*>(object); }
inline strata_queue* to_handle(Queue* object) { return reinterpret_cast<strata_queue*>(object); }
inline strata_event* to_handle(Event* object) { return reinterpret_cast<strata_event*>(object); }

}  // namespace strata_opencl
