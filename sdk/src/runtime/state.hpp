// What the C++ handles hold: each object keeps its parent (and so the plugin) alive.
#pragma once

#include "plugin/backend_plugin.hpp"

#include <strata/device.hpp>
#include <strata/queue.hpp>

#include <memory>

namespace strata::detail {

struct DeviceState {
  std::shared_ptr<BackendPlugin> plugin;
  strata_device* handle = nullptr;
  DeviceInfo info;

  const strata_backend_api& api() const { return plugin->api(); }
};

struct BufferState {
  std::shared_ptr<DeviceState> device;
  strata_buffer* handle = nullptr;
  std::uint64_t size = 0;

  BufferState(std::shared_ptr<DeviceState> owner, strata_buffer* buffer, std::uint64_t bytes)
      : device(std::move(owner)), handle(buffer), size(bytes) {}
  ~BufferState() { device->api().buffer_free(handle); }
  BufferState(const BufferState&) = delete;
  BufferState& operator=(const BufferState&) = delete;
};

struct QueueState {
  std::shared_ptr<DeviceState> device;
  strata_queue* handle = nullptr;

  QueueState(std::shared_ptr<DeviceState> owner, strata_queue* queue) : device(std::move(owner)), handle(queue) {}
  ~QueueState() { device->api().queue_destroy(handle); }
  QueueState(const QueueState&) = delete;
  QueueState& operator=(const QueueState&) = delete;
};

struct EventState {
  std::shared_ptr<DeviceState> device;
  strata_event* handle = nullptr;

  EventState(std::shared_ptr<DeviceState> owner, strata_event* event) : device(std::move(owner)), handle(event) {}
  ~EventState() { device->api().event_release(handle); }
  EventState(const EventState&) = delete;
  EventState& operator=(const EventState&) = delete;
};

// Reads the device's properties through the plugin into a DeviceInfo named `name`.
DeviceInfo read_device_info(const BackendPlugin& plugin, strata_device* device, std::string name);

}  // namespace strata::detail
