// Version negotiation between the host and a backend plugin's table.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>

namespace strata::detail {

// The size of the backend table each minor version of ABI 1 defines; index = minor.
std::size_t backend_api_size_for_minor(std::uint32_t minor);

// Throws Error(incompatible_version) when the plugin was built for another major version, or
// Error(internal) naming the defect when the table is malformed (too small for the version
// it claims, a required entry missing, no name). `host_version` is the ABI the host speaks;
// a plugin of a newer minor is accepted (the host uses only what it knows), one of an older
// minor is accepted too (the host checks entries with has_entry before calling them).
void check_backend_api(const strata_backend_api* api, std::uint32_t host_version);

// Whether the plugin's table is large enough to hold the entry at `offset`.
inline bool has_entry(const strata_backend_api& api, std::size_t offset) {
  return offset + sizeof(void*) <= api.struct_size;
}

}  // namespace strata::detail

#define STRATA_HAS_ENTRY(api, field) \
  (::strata::detail::has_entry((api), offsetof(strata_backend_api, field)) && (api).field != nullptr)
