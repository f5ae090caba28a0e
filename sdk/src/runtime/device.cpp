#include "plugin/host_table.hpp"
#include "runtime/state.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace strata {
namespace detail {
namespace {

std::string bounded_string(const char* text, std::size_t capacity) {
  return std::string(text, strnlen(text, capacity));
}

std::optional<std::uint64_t> known(std::uint64_t bytes) {
  return bytes == STRATA_MEMORY_UNKNOWN ? std::nullopt : std::optional<std::uint64_t>(bytes);
}

}  // namespace

DeviceInfo read_device_info(const BackendPlugin& plugin, strata_device* device, std::string name) {
  strata_device_properties props{};
  props.struct_size = sizeof(props);
  props.memory_total = STRATA_MEMORY_UNKNOWN;
  props.memory_free = STRATA_MEMORY_UNKNOWN;
  check(plugin.api().device_properties(device, &props), fmt::format("{}: reading device properties", name));
  DeviceInfo info;
  info.name = std::move(name);
  info.backend = plugin.api().name;
  info.description = bounded_string(props.name, sizeof(props.name));
  info.stable_id = bounded_string(props.stable_id, sizeof(props.stable_id));
  info.pci_bus_id = bounded_string(props.pci_bus_id, sizeof(props.pci_bus_id));
  if (props.has_uuid != 0) {
    std::array<std::uint8_t, 16> uuid{};
    std::memcpy(uuid.data(), props.uuid, uuid.size());
    info.uuid = uuid;
  }
  info.kind = props.kind >= STRATA_DEVICE_CPU && props.kind <= STRATA_DEVICE_ACCEL ? static_cast<DeviceKind>(props.kind)
                                                                                   : DeviceKind::accel;
  info.memory_total = known(props.memory_total);
  info.memory_free = known(props.memory_free);
  for (strata_dtype dtype = 0; dtype < STRATA_DTYPE_COUNT; ++dtype)
    if ((props.dtypes & STRATA_DTYPE_BIT(dtype)) != 0) info.dtypes.push_back(static_cast<DType>(dtype));
  info.caps.async = (props.caps & STRATA_CAP_ASYNC) != 0;
  info.caps.events = (props.caps & STRATA_CAP_EVENTS) != 0;
  info.caps.host_visible = (props.caps & STRATA_CAP_HOST_VISIBLE) != 0;
  info.caps.unified_memory = (props.caps & STRATA_CAP_UNIFIED_MEMORY) != 0;
  info.caps.import_host = (props.caps & STRATA_CAP_IMPORT_HOST) != 0;
  info.peak_flops = props.peak_flops;
  info.memory_bandwidth = props.memory_bandwidth;
  info.host_link_bandwidth = props.host_link_bandwidth;
  return info;
}

}  // namespace detail

std::string DeviceInfo::physical_id() const {
  if (!pci_bus_id.empty()) return "pci:" + pci_bus_id;
  if (uuid) {
    std::string text = "uuid:";
    for (std::uint8_t byte : *uuid) text += fmt::format("{:02x}", byte);
    return text;
  }
  return {};
}

bool DeviceInfo::stores(DType dtype) const { return std::find(dtypes.begin(), dtypes.end(), dtype) != dtypes.end(); }

const DeviceInfo& Device::info() const { return state_->info; }

MemoryInfo Device::memory() const {
  std::uint64_t free = STRATA_MEMORY_UNKNOWN;
  std::uint64_t total = STRATA_MEMORY_UNKNOWN;
  detail::check(state_->api().device_memory(state_->handle, &free, &total), fmt::format("{}: reading memory", name()));
  return {detail::known(free), detail::known(total)};
}

Buffer Device::allocate(std::uint64_t bytes) const {
  if (bytes == 0) throw Error(StatusCode::invalid_argument, fmt::format("{}: cannot allocate 0 bytes", name()));
  strata_buffer* handle = nullptr;
  detail::check(state_->api().buffer_allocate(state_->handle, bytes, &handle),
                fmt::format("{}: allocating {}", name(), format_size(bytes)));
  return Buffer(std::make_unique<detail::BufferState>(state_, handle, bytes));
}

Buffer Device::import_host(void* memory, std::uint64_t bytes) const {
  strata_buffer* handle = nullptr;
  detail::check(state_->api().buffer_import_host(state_->handle, memory, bytes, &handle),
                fmt::format("{}: importing {} of host memory", name(), format_size(bytes)));
  return Buffer(std::make_unique<detail::BufferState>(state_, handle, bytes));
}

Queue Device::create_queue() const {
  strata_queue* handle = nullptr;
  detail::check(state_->api().queue_create(state_->handle, &handle), fmt::format("{}: creating a queue", name()));
  return Queue(std::make_unique<detail::QueueState>(state_, handle));
}

bool Device::supports(const Op& op) const {
  std::int32_t supported = 0;
  detail::check(state_->api().device_supports_op(state_->handle, &op.raw, &supported),
                fmt::format("{}: asking whether an op is supported", name()));
  return supported != 0;
}

}  // namespace strata
