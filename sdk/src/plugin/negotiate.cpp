#include "plugin/negotiate.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <string_view>

namespace strata::detail {
namespace {

std::string version_text(std::uint32_t version) {
  return fmt::format("{}.{}", STRATA_VERSION_MAJOR(version), STRATA_VERSION_MINOR(version));
}

bool valid_name(const char* name) {
  if (name == nullptr || name[0] == '\0' || std::strlen(name) > 32) return false;
  for (const char* c = name; *c != '\0'; ++c)
    if (!(std::islower(static_cast<unsigned char>(*c)) || std::isdigit(static_cast<unsigned char>(*c)) || *c == '_'))
      return false;
  return true;
}

}  // namespace

std::size_t backend_api_size_for_minor(std::uint32_t minor) {
  // Append one line per minor version, never change a line.
  static constexpr std::size_t sizes[] = {
      sizeof(strata_backend_api),  // 1.0
  };
  return minor < std::size(sizes) ? sizes[minor] : sizes[std::size(sizes) - 1];
}

void check_backend_api(const strata_backend_api* api, std::uint32_t host_version) {
  if (api == nullptr) throw Error(StatusCode::internal, "the entry point returned success but no table");
  if (api->struct_size < offsetof(strata_backend_api, name))
    throw Error(StatusCode::internal,
                fmt::format("malformed table: struct_size {} is too small to hold a version", api->struct_size));
  const std::uint32_t plugin_major = STRATA_VERSION_MAJOR(api->abi_version);
  if (plugin_major != STRATA_VERSION_MAJOR(host_version)) {
    throw Error(StatusCode::incompatible_version,
                fmt::format("built for backend ABI {}, but this SDK speaks ABI {}; {}", version_text(api->abi_version),
                            version_text(host_version),
                            plugin_major > STRATA_VERSION_MAJOR(host_version)
                                ? "upgrade the Strata SDK or use a plugin built for this version"
                                : "rebuild the plugin against this SDK's backend.h"));
  }
  const std::uint32_t plugin_minor = STRATA_VERSION_MINOR(api->abi_version);
  const std::size_t required = backend_api_size_for_minor(std::min(plugin_minor, STRATA_VERSION_MINOR(host_version)));
  if (api->struct_size < required) {
    throw Error(StatusCode::internal,
                fmt::format("malformed table: struct_size {} is smaller than the {} bytes ABI {} defines",
                            api->struct_size, required, version_text(api->abi_version)));
  }
  if (!valid_name(api->name))
    throw Error(StatusCode::internal, "malformed table: the backend name must be 1-32 characters of [a-z0-9_]");
  struct Required {
    const void* entry;
    const char* name;
  };
  const Required required_entries[] = {
      {reinterpret_cast<const void*>(api->probe), "probe"},
      {reinterpret_cast<const void*>(api->backend_create), "backend_create"},
      {reinterpret_cast<const void*>(api->backend_destroy), "backend_destroy"},
      {reinterpret_cast<const void*>(api->device_count), "device_count"},
      {reinterpret_cast<const void*>(api->device_get), "device_get"},
      {reinterpret_cast<const void*>(api->device_properties), "device_properties"},
      {reinterpret_cast<const void*>(api->device_memory), "device_memory"},
      {reinterpret_cast<const void*>(api->device_supports_op), "device_supports_op"},
      {reinterpret_cast<const void*>(api->buffer_allocate), "buffer_allocate"},
      {reinterpret_cast<const void*>(api->buffer_free), "buffer_free"},
      {reinterpret_cast<const void*>(api->buffer_host_pointer), "buffer_host_pointer"},
      {reinterpret_cast<const void*>(api->buffer_import_host), "buffer_import_host"},
      {reinterpret_cast<const void*>(api->queue_create), "queue_create"},
      {reinterpret_cast<const void*>(api->queue_destroy), "queue_destroy"},
      {reinterpret_cast<const void*>(api->queue_write), "queue_write"},
      {reinterpret_cast<const void*>(api->queue_read), "queue_read"},
      {reinterpret_cast<const void*>(api->queue_copy), "queue_copy"},
      {reinterpret_cast<const void*>(api->queue_submit), "queue_submit"},
      {reinterpret_cast<const void*>(api->queue_finish), "queue_finish"},
      {reinterpret_cast<const void*>(api->event_record), "event_record"},
      {reinterpret_cast<const void*>(api->queue_wait_event), "queue_wait_event"},
      {reinterpret_cast<const void*>(api->event_synchronize), "event_synchronize"},
      {reinterpret_cast<const void*>(api->event_release), "event_release"},
  };
  for (const Required& entry : required_entries)
    if (entry.entry == nullptr)
      throw Error(StatusCode::internal, fmt::format("malformed table: the required entry {} is missing", entry.name));
}

}  // namespace strata::detail
