#include "core/log.hpp"
#include "plugin/host_table.hpp"
#include "runtime/op_abi.hpp"
#include "runtime/state.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

namespace strata {
namespace detail {
namespace {

std::string bounded_string(const char* text, std::size_t capacity) {
  return std::string(text, strnlen(text, capacity));
}

std::optional<std::uint64_t> known(std::uint64_t bytes) {
  return bytes == STRATA_MEMORY_UNKNOWN ? std::nullopt : std::optional<std::uint64_t>(bytes);
}

// Logs `message` once per process for `key`: a Runtime made again (or several at once) must not
// repeat what is wrong with a plugin.
void warn_once(const std::string& key, const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  {
    const std::lock_guard lock(mutex);
    if (!warned.insert(key).second) return;
  }
  log_warning("{}", message);
}

// A plugin built for ABI 1.0 never writes the fields 1.1 appended, and bit 5 of its caps meant
// nothing: the host reads them only from plugins of 1.1 or later.
bool writes_abi_1_1_fields(const strata_backend_api& api) { return STRATA_VERSION_MINOR(api.abi_version) >= 1; }

bool valid_sharing(strata_device_sharing sharing) {
  return sharing == STRATA_SHARING_NONE || sharing == STRATA_SHARING_HOST_MEMORY ||
         sharing == STRATA_SHARING_HOST_CORES;
}

// backend.h's rule for a device whose plugin does not say: a CPU, or a device with unified memory
// and no PCI bus id (PoCL, lavapipe seen by an old plugin), computes on the host's cores.
DeviceSharing inferred_sharing(const DeviceInfo& info) {
  const bool on_host_cores = info.kind == DeviceKind::cpu || (info.caps.unified_memory && info.pci_bus_id.empty());
  return on_host_cores ? DeviceSharing::host_cores : DeviceSharing::none;
}

// The plugin's value when it is one of the enum's (plugins are not trusted), else inferred.
void fill_sharing(DeviceInfo& info, bool plugin_says, strata_device_sharing said) {
  if (plugin_says && valid_sharing(said)) {
    info.sharing = static_cast<DeviceSharing>(said);
    info.sharing_inferred = false;
    return;
  }
  info.sharing = inferred_sharing(info);
  info.sharing_inferred = true;
  if (plugin_says && said != STRATA_SHARING_UNKNOWN)
    warn_once(info.backend + "/" + info.stable_id + "/sharing",
              fmt::format("{} ({} plugin {}): sharing = {} is not a strata_device_sharing value; inferred {}. The "
                          "plugin should report STRATA_SHARING_NONE, _HOST_MEMORY or _HOST_CORES",
                          info.name, info.backend, info.plugin_version, said, to_string(info.sharing)));
}

// Exact speeds are used as they are, so a figure of 0 there means a plan made without it.
void warn_if_exact_speeds_missing(const DeviceInfo& info) {
  if (!info.caps.exact_speeds) return;
  std::vector<const char*> missing;
  if (!(info.peak_flops > 0)) missing.push_back("peak_flops");
  if (!(info.memory_bandwidth > 0)) missing.push_back("memory_bandwidth");
  if (!(info.host_link_bandwidth > 0)) missing.push_back("host_link_bandwidth");
  if (missing.empty()) return;
  warn_once(info.backend + "/" + info.stable_id + "/exact_speeds",
            fmt::format("{} ({} plugin {}) claims STRATA_CAP_EXACT_SPEEDS but reports {} = 0, so the SDK has no "
                        "figure for {}: the plugin should report every speed figure with that flag, or leave the "
                        "flag off and let the SDK measure the device",
                        info.name, info.backend, info.plugin_version, fmt::join(missing, ", "),
                        missing.size() == 1 ? "it" : "them"));
}

}  // namespace

DeviceInfo read_device_info(const BackendPlugin& plugin, strata_device* device, std::string name) {
  const strata_backend_api& api = plugin.api();
  // Every field starts as "not said", so a plugin that writes less of the struct (an older
  // minor version) leaves unknowns, not zeros that look like answers.
  strata_device_properties props{};
  props.struct_size = sizeof(props);
  props.memory_total = STRATA_MEMORY_UNKNOWN;
  props.memory_free = STRATA_MEMORY_UNKNOWN;
  props.driver_version[0] = '\0';
  props.sharing = STRATA_SHARING_UNKNOWN;
  check(api.device_properties(device, &props), fmt::format("{}: reading device properties", name));
  const bool abi_1_1 = writes_abi_1_1_fields(api);
  DeviceInfo info;
  info.name = std::move(name);
  info.backend = api.name;
  info.plugin_version = api.version != nullptr ? bounded_string(api.version, 256) : std::string();
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
  info.caps.exact_speeds = abi_1_1 && (props.caps & STRATA_CAP_EXACT_SPEEDS) != 0;
  info.peak_flops = props.peak_flops;
  info.memory_bandwidth = props.memory_bandwidth;
  info.host_link_bandwidth = props.host_link_bandwidth;
  if (abi_1_1) info.driver = bounded_string(props.driver_version, sizeof(props.driver_version));
  fill_sharing(info, abi_1_1, props.sharing);
  warn_if_exact_speeds_missing(info);
  return info;
}

}  // namespace detail

std::string_view to_string(DeviceSharing sharing) {
  switch (sharing) {
    case DeviceSharing::none:
      return "none";
    case DeviceSharing::host_memory:
      return "host_memory";
    case DeviceSharing::host_cores:
      return "host_cores";
  }
  return "unknown";
}

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
  // A plugin older than the op's features would ignore them and answer for another op.
  if (!detail::plugin_understands(*state_, op.raw)) return false;
  std::int32_t supported = 0;
  detail::check(state_->api().device_supports_op(state_->handle, &op.raw, &supported),
                fmt::format("{}: asking whether an op is supported", name()));
  return supported != 0;
}

}  // namespace strata
